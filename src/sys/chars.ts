// Character checks for the short commands' path, written as loops on purpose: the first
// regular expression a Bun process runs costs ~0.5 ms where it runs and ~1 ms of CPU and ~1 MiB
// of peak RSS in all (JavaScriptCore sets up its regex engine; later ones cost ~0.01 ms), out of
// the few ms `state` pays above a trivial executable (docs/performance.md, "Start-up").

/** Whether text is one or more ASCII digits (what /^\d+$/ accepts). */
export function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
