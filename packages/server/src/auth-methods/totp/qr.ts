/**
 * The enrolment's QR code as a PNG (GET …/2fas/totp/{id}/qr): the QR
 * matrix from qrcode-generator, the PNG from pngjs — black modules on
 * white, a four-module quiet zone, grey-scale, about 250 pixels square.
 */
import { PNG } from 'pngjs';
import qrcode from 'qrcode-generator';

const QUIET_ZONE = 4;
/** Pixels per module: large enough for a phone camera off a laptop screen. */
const SCALE = 5;

export function qrPng(text: string): Buffer {
  // Type 0: the smallest version that holds the text; M: 15 % of the code may be damaged.
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const modules = qr.getModuleCount();
  const size = (modules + 2 * QUIET_ZONE) * SCALE;
  const pixels = Buffer.alloc(size * size, 0xff);
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (!qr.isDark(row, col)) continue;
      for (let dy = 0; dy < SCALE; dy++) {
        const offset = ((row + QUIET_ZONE) * SCALE + dy) * size + (col + QUIET_ZONE) * SCALE;
        pixels.fill(0x00, offset, offset + SCALE);
      }
    }
  }
  const png = new PNG({ width: size, height: size, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = pixels;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}
