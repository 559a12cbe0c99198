// The OWNER column of `list`: the user name of the uid that owns the container's state
// directory, as runc shows it ("#<uid>" when /etc/passwd has no such user).

import { io } from '../sys/io.js';

export function userName(uid: number, passwd: () => string = () => io().readFile('/etc/passwd')): string {
  let text = '';
  try {
    text = passwd();
  } catch {
    // no passwd file: fall through to the number
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && f[2] === String(uid) && f[0]) return f[0];
  }
  return `#${uid}`;
}
