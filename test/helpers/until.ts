/** Polls until `condition` holds (or about 5 s pass), for effects a request does not await. */
export async function until(condition: () => Promise<boolean>, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}
