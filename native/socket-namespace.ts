// Which network namespace a socket lives in, as the inode of its nsfs file: the same number that
// stat(2) gives for /run/netns/<name> or /proc/self/ns/net. For diagnostics and for the tests that
// prove a socket opened "in" a namespace really is there.
import { fstatSync } from 'node:fs';
import { close, socketNamespaceFd } from './libc.js';

export function socketNamespaceInode(fd: number): number {
  const nsFd = socketNamespaceFd(fd);
  try {
    return fstatSync(nsFd).ino;
  } finally {
    close(nsFd);
  }
}
