import leven from 'leven';

/** The choice closest to `value`, when it is close enough to be a slip of the keyboard. */
export function closest(value: string, choices: readonly string[]): string | undefined {
  const best = choices
    .map((choice) => ({ choice, distance: leven(value.toLowerCase(), choice.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)[0];
  return best && best.distance <= Math.max(2, Math.floor(value.length / 3)) ? best.choice : undefined;
}

/** ` Did you mean "x"?`, or nothing: for the end of a message. */
export function suggestion(value: string, choices: readonly string[]): string {
  const choice = closest(value, choices);
  return choice === undefined ? '' : ` Did you mean "${choice}"?`;
}
