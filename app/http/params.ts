import { ApiError } from '../errors';
import { idParam } from './schemas';

/** A path id; anything that cannot be an id is answered like an id that does not exist. */
export function pathId(raw: string | undefined, notFound: string): string {
  if (!idParam.safeParse(raw).success) throw new ApiError('not_found', notFound);
  return raw as string;
}
