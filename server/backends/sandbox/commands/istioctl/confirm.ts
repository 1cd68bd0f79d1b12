/**
 * istioctl's y/N question (operator/cmd/mesh/shared.go `Confirm`): prints the prompt and a space, reads one word
 * with fmt.Scanln. y/yes → true, n/no → false (any case); an empty line, several words or end of input → false;
 * any other word asks again.
 */
import type {IstioctlIO} from './command';

export async function confirm(io: IstioctlIO, prompt: string): Promise<boolean> {
  for (;;) {
    io.stdout.write(`${prompt} `);
    const line = await io.readLine();
    if (line === null) return false;
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length !== 1) return false;
    const w = words[0]!.toUpperCase();
    if (w === 'Y' || w === 'YES') return true;
    if (w === 'N' || w === 'NO') return false;
  }
}
