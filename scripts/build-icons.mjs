#!/usr/bin/env node
/**
 * Renders resources/icons/icon.svg to the PNG and ICO files the installers use, with the system
 * Chromium (the one the end-to-end tests drive): `node scripts/build-icons.mjs`. Run it after
 * editing the SVG and commit the results; packaging machines then need no image tools.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'icons');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** An ICO whose entries are PNGs (Windows Vista and later read them; electron-builder accepts it). */
function ico(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...pngs.map((p) => p.data)]);
}

const svgUrl = `data:image/svg+xml;base64,${readFileSync(path.join(dir, 'icon.svg')).toString('base64')}`;
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  const render = async (size) => {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<style>html,body{margin:0;background:transparent}</style><img src="${svgUrl}" width="${size}" height="${size}">`);
    await page.waitForFunction(() => document.images[0]?.complete);
    return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  };
  const png512 = await render(512);
  writeFileSync(path.join(dir, 'icon.png'), png512);
  const sizes = [16, 32, 48, 256];
  const pngs = [];
  for (const size of sizes) pngs.push({ size, data: await render(size) });
  writeFileSync(path.join(dir, 'icon.ico'), ico(pngs));
  console.log(`wrote ${path.join(dir, 'icon.png')} and icon.ico (${sizes.join(', ')} px)`);
} finally {
  await browser.close();
}
