// Version facts printed by `berth --version`. The commit is baked in by scripts/build-exe.js
// (Bun's --define of process.env.BERTH_COMMIT); under Node it is read from the environment.

export const BERTH_VERSION = '0.1.0';
export const SPEC_VERSION = '1.3.0';

export function versionText(commit: string | undefined = process.env.BERTH_COMMIT): string {
  return `berth version ${BERTH_VERSION}\ncommit: ${commit || 'unknown'}\nspec: ${SPEC_VERSION}\n`;
}
