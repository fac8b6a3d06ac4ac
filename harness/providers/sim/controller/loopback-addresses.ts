import { createServer, type Server } from 'node:net';

/**
 * The sim's load-balancer address pool: every Gateway it programs gets its own address from
 * 127.0.0.0/8, so each listener can be served on its own port at the address its status names.
 *
 * A pool owns one block of 254 addresses, 127.<hi>.<lo>.1 to .254, where hi.lo is a port number
 * unique on this machine while the pool lives (the port of a socket the pool holds on 127.0.0.1),
 * so two simulated clusters (two `kindgate up`, parallel test files) never hand out the same
 * address. Within a block, addresses go out in order (.1, .2, ...), skipping any that a live
 * Gateway holds; a released address is handed out again only after the others were used.
 *
 * Where the platform has only 127.0.0.1 on loopback (macOS without aliases: binding 127.x.y.z
 * fails with EADDRNOTAVAIL), every Gateway shares 127.0.0.1 and ports that collide are reported as
 * unavailable by the data plane.
 */

export const SHARED_LOOPBACK = '127.0.0.1';
const HOSTS_PER_BLOCK = 254;

/** Only loopback addresses, ever: the sim must never listen where other machines can reach it. */
export function assertLoopback(address: string): string {
  const octets = address.split('.').map(Number);
  const valid = octets.length === 4 && octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255);
  if (!valid || octets[0] !== 127) throw new Error(`refusing to use ${address}: the sim listens on 127.0.0.0/8 only`);
  return address;
}

/** The address of host `index` (1..254) in block `block` (a 16-bit number). */
export function blockAddress(block: number, index: number): string {
  return assertLoopback(`127.${(block >> 8) & 255}.${block & 255}.${index}`);
}

export interface LoopbackAddressesOptions {
  /** Use this block instead of reserving one (tests pin addresses with it). */
  block?: number;
}

export class LoopbackAddresses {
  private readonly held = new Map<string, string>();
  private next = 1;

  private constructor(
    /** undefined: only 127.0.0.1 is usable here. */
    readonly block: number | undefined,
    private readonly reservation: Server | undefined,
  ) {}

  static async open(options: LoopbackAddressesOptions = {}): Promise<LoopbackAddresses> {
    if (options.block !== undefined) return new LoopbackAddresses(options.block, undefined);
    const reservation = await listen(SHARED_LOOPBACK, 0);
    reservation.unref();
    const block = (reservation.address() as { port: number }).port;
    if (await aliasesUsable(blockAddress(block, 1))) return new LoopbackAddresses(block, reservation);
    return new LoopbackAddresses(undefined, reservation);
  }

  /** The address `key` holds, allocating the next free one; undefined when the block is full. */
  allocate(key: string): string | undefined {
    const current = this.held.get(key);
    if (current) return current;
    if (this.block === undefined) {
      this.held.set(key, SHARED_LOOPBACK);
      return SHARED_LOOPBACK;
    }
    const live = new Set(this.held.values());
    for (let tried = 0; tried < HOSTS_PER_BLOCK; tried++) {
      const index = this.next;
      this.next = (this.next % HOSTS_PER_BLOCK) + 1;
      const address = blockAddress(this.block, index);
      if (live.has(address)) continue;
      this.held.set(key, address);
      return address;
    }
    return undefined;
  }

  /** The address `key` holds, if any. */
  addressOf(key: string): string | undefined {
    return this.held.get(key);
  }

  release(key: string): void {
    this.held.delete(key);
  }

  async close(): Promise<void> {
    this.held.clear();
    const server = this.reservation;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function listen(host: string, port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}

/** Whether an address other than 127.0.0.1 can be bound here (EADDRNOTAVAIL on macOS without aliases). */
async function aliasesUsable(address: string): Promise<boolean> {
  try {
    const probe = await listen(address, 0);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') return false;
    throw error;
  }
}
