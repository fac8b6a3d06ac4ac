import { EnvironmentError } from '../../../errors.ts';

/** The OS/arch names the pinned downloads use (kind: linux|darwin; istioctl: linux|osx). */
export interface ToolPlatform {
  os: 'linux' | 'darwin';
  arch: 'amd64' | 'arm64';
  /** kind's `kind-<os>-<arch>` suffix. */
  kind: string;
  /** istioctl's `istioctl-<v>-<os>-<arch>.tar.gz` suffix (osx, not darwin). */
  istio: string;
}

export function toolPlatform(platform: string = process.platform, arch: string = process.arch): ToolPlatform {
  const os = platform === 'linux' ? 'linux' : platform === 'darwin' ? 'darwin' : undefined;
  const cpu = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  if (!os || !cpu) {
    throw new EnvironmentError(
      `kindgate's kind provider supports Linux and macOS on amd64 or arm64, not ${platform}/${arch}; ` +
        'run it on such a machine (on Windows, inside WSL 2), or for an offline try use --provider sim.',
    );
  }
  return { os, arch: cpu, kind: `${os}-${cpu}`, istio: `${os === 'darwin' ? 'osx' : 'linux'}-${cpu}` };
}
