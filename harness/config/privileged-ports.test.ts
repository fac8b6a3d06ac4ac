import { describe, expect, it } from 'vitest';
import { canBindPort, defaultListenerPort } from './privileged-ports.ts';

const linuxUser = { platform: 'linux' as const, uid: 1000, unprivilegedPortStart: '1024\n' };

describe('privileged ports', () => {
  it('root, macOS and Windows bind any port; a Linux user only from ip_unprivileged_port_start up', () => {
    expect(canBindPort(80, { platform: 'linux', uid: 0, unprivilegedPortStart: '1024\n' })).toBe(true);
    expect(canBindPort(80, { platform: 'darwin', uid: 501 })).toBe(true);
    expect(canBindPort(80, { platform: 'win32' })).toBe(true);
    expect(canBindPort(80, linuxUser)).toBe(false);
    expect(canBindPort(1024, linuxUser)).toBe(true);
    // Container runtimes often lower it to 0; an unreadable value means the kernel default.
    expect(canBindPort(80, { ...linuxUser, unprivilegedPortStart: '0\n' })).toBe(true);
    expect(canBindPort(80, { ...linuxUser, unprivilegedPortStart: undefined })).toBe(false);
  });

  it('the sim listens on 8080 where 80 cannot be bound; real clusters keep 80', () => {
    expect(defaultListenerPort('sim', linuxUser)).toBe(8080);
    expect(defaultListenerPort('sim', { ...linuxUser, uid: 0 })).toBe(80);
    expect(defaultListenerPort('kind', linuxUser)).toBe(80);
    expect(defaultListenerPort('existing', linuxUser)).toBe(80);
  });
});
