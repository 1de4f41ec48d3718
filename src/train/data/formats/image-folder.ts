/**
 * A folder of images as a `--data` format: one sub-folder per class (searched recursively), the class names
 * in sorted order unless given. PNG and JPEG files (and WebP, GIF, TIFF, AVIF: whatever sharp decodes) are
 * decoded with sharp, resized to the model's input height and width (stretched, as Keras'
 * `image_dataset_from_directory` does) and converted to its channels (1: greyscale, 3: RGB, 4: RGBA); they are
 * held as bytes and fed to the model as values in [0, 1]. Other files are skipped.
 */
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { CancelledError, DataError } from '../../../errors.js';
import { ImageDataset } from '../dataset.js';
import { describeShape } from '../source.js';
import { splitForValidation } from './splits.js';
import type { DataExpectation, DataFormat } from './types.js';

/** File name endings read as images. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'];

/** Images decoded at once. */
const DECODE_CONCURRENCY = 4;

/** Height, width and channels to decode to; null where the model leaves it free. */
interface TargetShape {
  readonly height: number | null;
  readonly width: number | null;
  readonly channels: 1 | 3 | 4;
}

function targetShape(dir: string, expect: DataExpectation | undefined): TargetShape {
  if (expect === undefined) return { height: null, width: null, channels: 3 };
  const shape = expect.inputShape;
  if (shape.length !== 3) {
    throw new DataError(`${dir}: a folder of images needs a model that takes images (height x width x channels), this one takes ${describeShape(shape)}`);
  }
  const [height = null, width = null, channels = 3] = shape;
  const c = channels ?? 3;
  if (c !== 1 && c !== 3 && c !== 4) throw new DataError(`${dir}: the model takes images of ${c} channels; images decode to 1, 3 or 4`);
  return { height, width, channels: c };
}

async function subfolders(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new DataError(`${dir}: cannot read the folder (${(e as Error).message})`, { cause: e });
  }
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

async function imagesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await imagesUnder(full)));
    else if (IMAGE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) found.push(full);
  }
  return found.sort();
}

/** Decodes one image to exactly `shape` (its own size where the shape leaves it free), as bytes. */
async function decode(file: string, shape: TargetShape): Promise<{ data: Buffer; height: number; width: number }> {
  try {
    let image = sharp(file);
    if (shape.height !== null || shape.width !== null) {
      image = image.resize(shape.width ?? undefined, shape.height ?? undefined, { fit: 'fill' });
    }
    image = shape.channels === 1 ? image.toColourspace('b-w') : shape.channels === 3 ? image.removeAlpha().toColourspace('srgb') : image.ensureAlpha().toColourspace('srgb');
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== shape.channels) throw new Error(`decoded to ${info.channels} channels, not ${shape.channels}`);
    return { data, height: info.height, width: info.width };
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0] ?? String(e);
    throw new DataError(`${file}: cannot read as an image (${reason})`, { cause: e });
  }
}

/** The class folders of `dir` checked against `classes` (all of them must be there when `complete`). */
async function classFolders(dir: string, classes: readonly string[] | undefined, complete: boolean): Promise<{ names: readonly string[]; folders: readonly string[] }> {
  const folders = await subfolders(dir);
  if (folders.length === 0) throw new DataError(`${dir}: no class sub-folders; expected one sub-folder of images per class`);
  if (classes === undefined) return { names: folders, folders };
  const stray = folders.find((f) => !classes.includes(f));
  if (stray !== undefined) throw new DataError(`${path.join(dir, stray)}: folder \`${stray}\` is not one of the classes ${classes.join(', ')}`);
  const missing = classes.find((c) => !folders.includes(c));
  if (complete && missing !== undefined) throw new DataError(`${dir}: no folder for class \`${missing}\``);
  return { names: classes, folders };
}

/**
 * Reads a folder of class sub-folders. With `classes`, every sub-folder must name one of them (and, for a
 * training folder, every class must have one); otherwise the sorted sub-folder names are the classes.
 */
export async function readImageFolder(
  dir: string,
  expect: DataExpectation | undefined,
  options: { classes?: readonly string[]; training?: boolean; signal?: AbortSignal } = {},
): Promise<ImageDataset> {
  const shape = targetShape(dir, expect);
  const training = options.training ?? true;
  const { names, folders } = await classFolders(dir, options.classes, training);
  if (names.length > 256) throw new DataError(`${dir}: ${names.length} classes; at most 256 are supported`);
  const files: { file: string; label: number }[] = [];
  for (const folder of folders) {
    const images = await imagesUnder(path.join(dir, folder));
    if (images.length === 0 && training) throw new DataError(`${path.join(dir, folder)}: no images (${IMAGE_EXTENSIONS.join(', ')})`);
    files.push(...images.map((file) => ({ file, label: names.indexOf(folder) })));
  }
  if (files.length === 0) throw new DataError(`${dir}: no images`);
  const first = files[0] as { file: string };
  const fixed = shape.height === null || shape.width === null ? { ...shape, ...(await decode(first.file, shape)) } : shape;
  const height = fixed.height as number;
  const width = fixed.width as number;
  const perImage = height * width * shape.channels;
  const pixels = new Uint8Array(files.length * perImage);
  const labels = Uint8Array.from(files, (f) => f.label);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < files.length && !failed) {
      if (options.signal?.aborted === true) throw new CancelledError('reading images cancelled');
      const i = next++;
      const { file } = files[i] as { file: string };
      try {
        pixels.set((await decode(file, { height, width, channels: shape.channels })).data, i * perImage);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: DECODE_CONCURRENCY }, worker));
  return new ImageDataset(pixels, labels, [height, width, shape.channels], names.length, { description: dir, classNames: names });
}

export const imageFolderFormat: DataFormat = {
  name: 'image-folder',
  describe: 'a folder with one sub-folder of images (PNG, JPEG) per class, resized to the model\'s input',
  async matches(p) {
    return statSync(p, { throwIfNoEntry: false })?.isDirectory() === true && (await subfolders(p)).length > 0;
  },
  async load(request, expect) {
    const dir = request.path ?? '';
    const signal = request.signal === undefined ? {} : { signal: request.signal };
    const all = await readImageFolder(dir, expect, { ...(request.classes === undefined ? {} : { classes: request.classes }), ...signal });
    const read = (p: string): Promise<ImageDataset> => readImageFolder(p, expect, { classes: all.classNames ?? [], training: false, ...signal });
    const { train, validation } = await splitForValidation(all, request, read);
    return {
      format: 'image-folder',
      examples: 'images',
      train,
      ...(validation === undefined ? {} : { validation }),
      description: `${all.size} images in ${all.numClasses} classes (${(all.classNames ?? []).join(', ')}) from ${dir}`,
    };
  },
};
