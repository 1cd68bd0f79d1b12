/** pkg/art/istio-ascii.txt: the sail `istioctl install` prints first (on stderr), blue on a terminal. */
export const ISTIO_ART = [
  '        |\\          ',
  '        | \\         ',
  '        |  \\        ',
  '        |   \\       ',
  '      /||    \\      ',
  '     / ||     \\     ',
  '    /  ||      \\    ',
  '   /   ||       \\   ',
  '  /    ||        \\  ',
  ' /     ||         \\ ',
  '/______||__________\\',
  '____________________',
  '  \\__       _____/  ',
  '     \\_____/        ',
].join('\n');

export function istioArt(tty: boolean): string {
  return tty ? `\x1b[34m${ISTIO_ART}\x1b[0m` : ISTIO_ART;
}
