// Checks an unpacked Teams app package as Teams checks an upload: the
// manifest against Microsoft's JSON schema of the manifestVersion it
// declares (from the npm package @microsoft/app-manifest), and the two
// icons it names: color 192×192, outline 32×32 white on transparency.
//
//   node .ci/teams-package.mjs TOOLS_DIR PACKAGE_DIR
//
// TOOLS_DIR is where npm installed @microsoft/app-manifest, ajv-draft-04
// and ajv-formats. Prints one line per problem and exits 1 on any.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const [tools, pkg] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(tools), 'node_modules', 'x.js'));
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');

const problems = [];
const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'manifest.json'), 'utf8'));
const schemaFile = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
	'build', 'json-schemas', 'teams', `v${manifest.manifestVersion}`, 'MicrosoftTeams.schema.json');
if (!fs.existsSync(schemaFile)) {
	problems.push(`manifestVersion ${manifest.manifestVersion}: @microsoft/app-manifest has no schema for it`);
} else {
	const ajv = new Ajv({ allErrors: true, strict: false });
	addFormats(ajv);
	if (!ajv.validate(JSON.parse(fs.readFileSync(schemaFile, 'utf8')), manifest)) {
		for (const e of ajv.errors) {
			problems.push(`manifest${e.instancePath}: ${e.message}${e.params.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : ''}`);
		}
	}
}

for (const [kind, size] of [['color', 192], ['outline', 32]]) {
	const name = manifest.icons?.[kind];
	const file = name && path.join(pkg, name);
	if (!file || !fs.existsSync(file)) {
		problems.push(`icons.${kind}: ${name ?? 'not named'} is not in the package`);
		continue;
	}
	try {
		const img = decodePNG(fs.readFileSync(file));
		if (img.width !== size || img.height !== size) {
			problems.push(`${name}: ${img.width}×${img.height}, Teams wants ${size}×${size}`);
		} else if (kind === 'outline') {
			const at = notWhiteOrClear(img);
			if (at) problems.push(`${name}: pixel ${at} is neither white nor transparent`);
		}
	} catch (err) {
		problems.push(`${name}: ${err.message}`);
	}
}

for (const p of problems) console.log(`Teams package: ${p}`);
process.exit(problems.length ? 1 : 0);

// decodePNG reads an 8-bit, non-interlaced PNG of grey, grey+alpha, RGB or
// RGBA pixels into {width, height, channels, pixels}.
function decodePNG(buf) {
	if (buf.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG file');
	let width, height, channels;
	const idat = [];
	for (let at = 8; at < buf.length;) {
		const len = buf.readUInt32BE(at), type = buf.toString('latin1', at + 4, at + 8), data = buf.subarray(at + 8, at + 8 + len);
		if (type === 'IHDR') {
			width = data.readUInt32BE(0);
			height = data.readUInt32BE(4);
			channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[data[9]];
			if (data[8] !== 8 || !channels || data[12] !== 0) throw new Error('only 8-bit, non-interlaced grey or RGB(A) PNGs are checked');
		}
		if (type === 'IDAT') idat.push(data);
		at += 12 + len;
	}
	const raw = zlib.inflateSync(Buffer.concat(idat));
	const stride = width * channels, pixels = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)], row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		for (let x = 0; x < stride; x++) {
			const a = x >= channels ? pixels[y * stride + x - channels] : 0;
			const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
			const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
			const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
			const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
			if (pred === undefined) throw new Error(`unknown filter ${filter}`);
			pixels[y * stride + x] = (row[x] + pred) & 0xff;
		}
	}
	return { width, height, channels, pixels };
}

// notWhiteOrClear names the first pixel that is visible and not white.
function notWhiteOrClear({ width, height, channels, pixels }) {
	const alpha = channels === 2 || channels === 4;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const px = pixels.subarray((y * width + x) * channels, (y * width + x + 1) * channels);
			const a = alpha ? px[channels - 1] : 255;
			const colour = alpha ? px.subarray(0, channels - 1) : px;
			if (a !== 0 && colour.some(v => v !== 255)) return `${x},${y}`;
		}
	}
	return null;
}
