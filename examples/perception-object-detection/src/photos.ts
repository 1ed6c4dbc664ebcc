/**
 * The example's real photographs: where each comes from, JPEG/PNG decoding in JS, frames of the
 * OpenCV pedestrian video, and the train / held-out split (no photo in both). Nothing is fetched:
 * the files come from Debian's opencv-doc package (installed by the project's setup,
 * .ci/apt-packages) and from @vladmandic/human (a dependency through the lockfile).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** One decoded photograph: RGB bytes, row-major, `height × width × 3`. */
export interface Photo {
  readonly name: string;
  /** Package the file ships in and its licence, as the README documents them. */
  readonly source: string;
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Where Debian's opencv-doc puts OpenCV's sample data (override: PRUNEKIT_OPENCV_DATA). */
export const opencvDataDir = (): string =>
  process.env.PRUNEKIT_OPENCV_DATA ?? '/usr/share/doc/opencv-doc/examples/data';

/** The assets folder of @vladmandic/human (its models/ holds CenterNet). */
export const humanDir = (): string => join(import.meta.dirname, '..', 'node_modules', '@vladmandic', 'human');

/** model.json of CenterNet as @vladmandic/human 3.3.6 ships it. */
export const centernetPath = (): string => join(humanDir(), 'models', 'centernet.json');

const OPENCV = 'Debian opencv-doc 4.6.0 (OpenCV samples/data; Apache-2.0 AND BSD-3-Clause)';
const HUMAN = '@vladmandic/human 3.3.6 assets (MIT)';

/** Decodes a JPEG or PNG file's bytes to RGB (alpha dropped) with jpeg-js / pngjs, both pure JS. */
export function decodeImage(bytes: Uint8Array, name: string): Photo {
  const ext = extname(name).toLowerCase();
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  if (ext === '.jpg' || ext === '.jpeg') {
    const img = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 256 });
    ({ width, height } = img);
    rgba = img.data;
  } else if (ext === '.png') {
    const img = PNG.sync.read(Buffer.from(bytes));
    ({ width, height } = img);
    rgba = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  } else {
    throw new InvalidArgumentError(`${name}: not a JPEG or PNG file (by its extension); convert it first.`, {
      field: 'file',
      file: name,
    });
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = rgba[j];
    rgb[i + 1] = rgba[j + 1];
    rgb[i + 2] = rgba[j + 2];
  }
  return { name, source: '', width, height, rgb };
}

function readPhoto(file: string, name: string, source: string): Photo {
  if (!existsSync(file)) {
    throw new InvalidArgumentError(
      `${file} is missing. Run \`node scripts/system-packages.mjs\` (it installs opencv-doc and ffmpeg from .ci/apt-packages) or set PRUNEKIT_OPENCV_DATA to OpenCV's samples/data folder.`,
      { field: 'file', file },
    );
  }
  return { ...decodeImage(readFileSync(file), name), source };
}

/** The still photographs of opencv-doc with street scenes, vehicles or people. */
export const OPENCV_HELD_OUT_STILLS = [
  'building.jpg',
  'licenseplate_motion.jpg',
  'aero1.jpg',
  'aero3.jpg',
  'leuvenA.jpg',
  'leuvenB.jpg',
  'messi5.jpg',
] as const;
/** Photos used for training only (people; a PNG among them). */
export const OPENCV_TRAIN_STILLS = ['basketball1.png', 'basketball2.png'] as const;

/** vtest.avi (OpenCV's pedestrian video, 795 frames, 768×576, 10 fps): frames used for training. */
export const TRAIN_FRAMES = Array.from({ length: 136 }, (_, k) => k * 4); // 0..540
/** Held-out frames: the last 20 s of the video, after a 6 s gap, so no frame is near a training one. */
export const HELD_OUT_FRAMES = Array.from({ length: 25 }, (_, k) => 600 + k * 8); // 600..792

/**
 * Frames of vtest.avi as JPEG files, decoded once with ffmpeg (Debian) into `cacheDir` (the video's
 * DivX 3 codec has no JS decoder), then read back and decoded in JS like every other photo.
 */
export function videoFrames(frames: readonly number[], cacheDir: string): Photo[] {
  const video = join(opencvDataDir(), 'vtest.avi');
  const dir = join(cacheDir, 'vtest');
  const name = (f: number) => `vtest-${String(f).padStart(3, '0')}.jpg`;
  const missing = frames.filter((f) => !existsSync(join(dir, name(f))));
  if (missing.length > 0) {
    if (!existsSync(video)) readPhoto(video, 'vtest.avi', OPENCV); // throws the install hint
    mkdirSync(dir, { recursive: true });
    // ffmpeg's expression parser refuses long select lists: a few frames per call.
    for (let at = 0; at < missing.length; at += 16) {
      const part = missing.slice(at, at + 16);
      const select = part.map((f) => `eq(n\\,${f})`).join('+');
      const tmp = join(dir, `.extract-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      const r = spawnSync(
        'ffmpeg',
        [
          '-loglevel',
          'error',
          '-i',
          video,
          '-vf',
          `select=${select}`,
          '-vsync',
          'vfr',
          '-q:v',
          '2',
          join(tmp, '%04d.jpg'),
        ],
        { encoding: 'utf8' },
      );
      if (r.error || r.status !== 0) {
        throw new InvalidArgumentError(
          `ffmpeg could not read frames of ${video}: ${r.error?.message ?? r.stderr}. Install it with \`node scripts/system-packages.mjs\` (.ci/apt-packages lists ffmpeg).`,
          { field: 'file', file: video },
        );
      }
      const written = readdirSync(tmp).sort();
      if (written.length !== part.length) {
        throw new InvalidArgumentError(
          `${video}: ffmpeg wrote ${written.length} frames, wanted ${part.length}.`,
          {
            field: 'file',
            file: video,
          },
        );
      }
      // Rename into place one by one (a frame file is complete or absent).
      for (const [i, w] of written.entries()) renameSync(join(tmp, w), join(dir, name(part[i])));
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return frames.map((f) => readPhoto(join(dir, name(f)), name(f), `${OPENCV}, frame ${f} of vtest.avi`));
}

/** The photo sets: held out for evaluation, and training inputs (never the same file or frame). */
export interface PhotoSets {
  readonly heldOut: Photo[];
  readonly train: Photo[];
}

/** Loads both sets; `quick` keeps a few of each (for --quick and the smoke test). */
export function loadPhotoSets(cacheDir: string, opts: { quick?: boolean } = {}): PhotoSets {
  const pick = <T>(list: readonly T[], n: number) =>
    opts.quick ? list.filter((_, i) => i % Math.ceil(list.length / n) === 0) : [...list];
  const data = opencvDataDir();
  const heldOut = [
    ...videoFrames(pick(HELD_OUT_FRAMES, 2), cacheDir),
    ...pick(OPENCV_HELD_OUT_STILLS, 1).map((f) => readPhoto(join(data, f), f, OPENCV)),
  ];
  const train = [
    ...videoFrames(pick(TRAIN_FRAMES, 2), cacheDir),
    ...OPENCV_TRAIN_STILLS.map((f) => readPhoto(join(data, f), f, OPENCV)),
    readPhoto(join(humanDir(), 'assets', 'samples.jpg'), 'samples.jpg', HUMAN),
  ];
  return { heldOut, train };
}

/** A photo as CenterNet's input: float pixels 0..255 (the model normalizes inside), resized to size². */
export function toInput(photo: Photo, size = 512): tf.Tensor4D {
  return tf.tidy(() => {
    const img = tf.tensor3d(photo.rgb, [photo.height, photo.width, 3], 'int32');
    return tf.expandDims(tf.image.resizeBilinear(tf.cast(img, 'float32'), [size, size]), 0) as tf.Tensor4D;
  });
}
