/** Display helpers of the packages pages. */

/** "河北省 / 石家庄市 / 长安区" → "长安区" */
export function lastName(path: string): string {
  return path.split(' / ').pop() ?? path;
}
