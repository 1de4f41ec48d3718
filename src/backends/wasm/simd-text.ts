/**
 * The text of morphlat's WebAssembly SIMD module for the wasm backend (see ./simd.ts): loops over
 * tfjs-backend-wasm's own heap, which the module imports as its memory, for gradients XNNPACK has no
 * kernel for.
 *
 * `depthwiseTaps(intoFilter, pixels, dy, taps, n, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl)`:
 * NHWC float32 tensors at byte offsets, one channel multiplier. For every output pixel (b, oy, ox) and
 * filter tap (r, s) whose input pixel (iy, ix) = (oy·sh + r·dh − pt, ox·sw + s·dw − pl) lies inside
 * the [n, h, w, c] input:
 * - intoFilter = 1: taps[r, s, :] += pixels[b, iy, ix, :] ⊙ dy[b, oy, ox, :] (the filter's gradient,
 *   `pixels` the forward input);
 * - intoFilter = 0: pixels[b, iy, ix, :] += taps[r, s, :] ⊙ dy[b, oy, ox, :] (the input's gradient,
 *   `taps` the filter).
 * The tensor accumulated into is zeroed first. Channels go four at a time (f32x4), the last c mod 4
 * one by one.
 *
 * `convFilterTaps(x, dy, dw, n, hp, wp, cin, oh, ow, cout, kh, kw, sh, sw)`: the filter gradient of a
 * 2-D convolution, dw[r, s, i, o] = Σ_{b, oy, ox} x[b, oy·sh + r, ox·sw + s, i] · dy[b, oy, ox, o], for
 * an [n, hp, wp, cin] input already padded as the forward pass saw it (every tap inside it). Each output
 * row of dy and each tap is a small matrix product, summed into dw a register tile at a time: four
 * input channels by eight output channels (eight f32x4 accumulators over the row's pixels, each pixel
 * one splat of x per input channel and two loads of dy), then one input channel at a time, and output
 * channels by fours and ones where cout is not a multiple of eight.
 *
 * `convInputTaps(dy, wT, dx, n, hp, wp, cin, oh, ow, cout, kh, kw, sh, sw)`: the input gradient of a
 * 2-D convolution into an [n, hp, wp, cin] padded gradient, dx[b, oy·sh + r, ox·sw + s, :] +=
 * Σ_o dy[b, oy, ox, o] · W[r, s, :, o], from dy as tfjs keeps it ([n, oh, ow, cout]) and W as
 * [kh, kw, cout, cin]: the same register tiles, four pixels by eight input channels over the output
 * channels, each pixel's dy value splatted from its own row.
 *
 * `gradientInRange(dy, x, out, n, low, high, includeLow)`: out[i] = dy[i] where low < x[i] ≤ high
 * (low ≤ x[i] when includeLow is 1), else 0, over n float32 elements: the gradient of ReLU, ReLU6 and
 * ClipByValue in one pass (a NaN x passes nothing).
 *
 * `maxPoolTaps(x, dy, dx, taps, n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl)`: the gradient of 2-D max pooling
 * into an [n, h, w, c] dx, tfjs semantics: for every output pixel (b, oy, ox) and channel, dy goes to the
 * window's first maximum in row-major tap order among the taps (iy, ix) = (oy·sh + r − pt, ox·sw + s − pl)
 * inside the input; a window whose maximum is −∞ (or that holds no input pixel) passes nothing, and NaN
 * never wins. Two passes over a window's taps, four channels at a time (then one by one): the maximum,
 * then each tap equal to it that no earlier tap claimed takes dy. The byte offsets of a window's inside
 * taps are listed once per output pixel in `taps` (room for kh·kw i32), not recomputed per channel.
 *
 * Per-channel ops over float32 tensors of `rows` rows of c channels (channels last) and vectors of c
 * values, four channels at a time then one by one; their parameters are the tensors, the vectors, then
 * the outputs, then rows and c. Into a tensor `out`: `channelAdd(x, v, out, …)` x + v, `channelSub`
 * x − v, `channelSubFrom` v − x, `channelMul` x · v, `channelCentredClamp(x, m, s, b, out, lo, hi, …)`
 * min(max((x − m)·s + b, lo), hi) (a NaN stays NaN; BatchNorm, then ReLU or ReLU6 where lo, hi are 0, ∞ or 0, 6;
 * −∞, ∞ for none; lo and hi are f32 constants, after the outputs), `channelCentredGradient(dy, x, a,
 * m, s, b, out, …)` dy·a + (x − m)·s + b (its gradient). Into per-channel sums (zeroed first): `channelShiftedSums(x, k, sum,
 * sumSquares, …)` Σ (x − k) and Σ (x − k)² (a mean and variance in one pass, shifted by k, near the
 * mean, against cancellation), `channelGradientSums(dy, x, m, sumDy,
 * sumDyCentred, …)` Σ dy and Σ dy·(x − m), `channelMaskedGradientSums(dy, x, m, g, b, sumDy,
 * sumDyCentred, dz, lo, hi, …)` the same of dz, dy where lo < (x − m)·g + b ≤ hi (else +0: the gradient
 * through an activation after the normalization), which it also writes into the full-size dz. Each element's operands are loaded once.
 *
 * `convInputDots(dy, w, dx, n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, pt, pl)`: the input gradient of a
 * 2-D convolution with few input channels (a network's first layer), straight into the unpadded
 * [n, h, w, cin] dx: dx[b, iy, ix, i] = Σ over the taps (r, s) whose dy pixel (oy, ox) = ((iy + pt − r)/sh,
 * (ix + pl − s)/sw) exists of the dot product of its cout values with W[r, s, i, :] (the filter as tfjs
 * keeps it, [kh, kw, cin, cout]), four output channels at a time, summed across lanes once per dx value.
 *
 * `copyColumns(src, dst, rows, srcCols, dstCols, srcStart, dstStart, count)`: for every row, the `count`
 * floats from column srcStart of src ([rows, srcCols]) to column dstStart of dst ([rows, dstCols]), one
 * bulk copy each: a slice of a concatenation along the last axis, or a split.
 *
 * `adamUpdate(value, m, v, g, newValue, newM, newV, n, beta1, beta2, oneMinusBeta1, oneMinusBeta2, c1, c2,
 * negLr, eps)`: one Adam step over n floats, in tfjs' order of operations: m' = m·β1 + g·(1 − β1),
 * v' = v·β2 + g²·(1 − β2), value' = (m'/c1) / (√(v'/c2) + ε) · (−lr) + value, with c1, c2 the bias
 * corrections 1 − β1ᵗ, 1 − β2ᵗ.
 *
 * `windowRows(src, dst, n, h, w, c, top, left, oh, ow)`: dst [n, oh, ow, c] holds src [n, h, w, c]
 * shifted down by top rows and right by left columns (negative: up and left), zeros where no source
 * pixel lands: padding and cropping at once, one bulk copy per row.
 */
/**
 * acc[k] += src[k] · dyp[k] over a row's bytes from $k: four floats at a time up to $vectorBytes
 * ('vector'), or one at a time up to $rowBytes ('scalar').
 */
function accumulateRow(kind: 'vector' | 'scalar'): string {
  const [load, store, add, mul, step, end] =
    kind === 'vector' ? ['v128.load', 'v128.store', 'f32x4.add', 'f32x4.mul', 16, '$vectorBytes'] : ['f32.load', 'f32.store', 'f32.add', 'f32.mul', 4, '$rowBytes'];
  const at = (p: string): string => `(i32.add (local.get ${p}) (local.get $k))`;
  return `(block $${kind}End (loop $${kind}Loop
                   (br_if $${kind}End (i32.ge_u (local.get $k) (local.get ${end})))
                   (${store} ${at('$acc')} (${add} (${load} ${at('$acc')}) (${mul} (${load} ${at('$src')}) (${load} ${at('$dyp')}))))
                   (local.set $k (i32.add (local.get $k) (i32.const ${step})))
                   (br $${kind}Loop)))`;
}

const DEPTHWISE_TAPS = `
 (func (export "depthwiseTaps")
   (param $intoFilter i32) (param $pixels i32) (param $dy i32) (param $taps i32)
   (param $n i32) (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
   (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32)
   (param $pt i32) (param $pl i32)
   (local $b i32) (local $oy i32) (local $ox i32) (local $r i32) (local $s i32) (local $iy i32) (local $ix i32)
   (local $dyp i32) (local $pp i32) (local $tp i32) (local $acc i32) (local $src i32) (local $k i32)
   (local $rowBytes i32) (local $vectorBytes i32)
   (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
   (local.set $vectorBytes (i32.and (local.get $rowBytes) (i32.const -16)))
   (memory.fill
     (select (local.get $taps) (local.get $pixels) (local.get $intoFilter))
     (i32.const 0)
     (i32.mul (local.get $rowBytes)
       (select (i32.mul (local.get $kh) (local.get $kw))
               (i32.mul (i32.mul (local.get $n) (local.get $h)) (local.get $w))
               (local.get $intoFilter))))
   (local.set $dyp (local.get $dy))
   (block $bEnd (loop $bLoop
     (br_if $bEnd (i32.ge_u (local.get $b) (local.get $n)))
     (local.set $oy (i32.const 0))
     (block $oyEnd (loop $oyLoop
       (br_if $oyEnd (i32.ge_u (local.get $oy) (local.get $oh)))
       (local.set $ox (i32.const 0))
       (block $oxEnd (loop $oxLoop
         (br_if $oxEnd (i32.ge_u (local.get $ox) (local.get $ow)))
         (local.set $r (i32.const 0))
         (block $rEnd (loop $rLoop
           (br_if $rEnd (i32.ge_u (local.get $r) (local.get $kh)))
           (local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $sh)) (i32.mul (local.get $r) (local.get $dh))) (local.get $pt)))
           (if (i32.lt_u (local.get $iy) (local.get $h)) (then
             (local.set $s (i32.const 0))
             (block $sEnd (loop $sLoop
               (br_if $sEnd (i32.ge_u (local.get $s) (local.get $kw)))
               (local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $sw)) (i32.mul (local.get $s) (local.get $dw))) (local.get $pl)))
               (if (i32.lt_u (local.get $ix) (local.get $w)) (then
                 (local.set $pp (i32.add (local.get $pixels)
                   (i32.mul (local.get $rowBytes)
                     (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $iy)) (local.get $w)) (local.get $ix)))))
                 (local.set $tp (i32.add (local.get $taps)
                   (i32.mul (local.get $rowBytes) (i32.add (i32.mul (local.get $r) (local.get $kw)) (local.get $s)))))
                 (local.set $acc (select (local.get $tp) (local.get $pp) (local.get $intoFilter)))
                 (local.set $src (select (local.get $pp) (local.get $tp) (local.get $intoFilter)))
                 (local.set $k (i32.const 0))
                 ${accumulateRow('vector')}
                 ${accumulateRow('scalar')}))
               (local.set $s (i32.add (local.get $s) (i32.const 1)))
               (br $sLoop)))))
           (local.set $r (i32.add (local.get $r) (i32.const 1)))
           (br $rLoop)))
         (local.set $dyp (i32.add (local.get $dyp) (local.get $rowBytes)))
         (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
         (br $oxLoop)))
       (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
       (br $oyLoop)))
     (local.set $b (i32.add (local.get $b) (i32.const 1)))
     (br $bLoop))))
`;

/** Where a tile's rows find their splatted factors: 4 bytes apart, or $sRowB bytes apart. */
type Splats = 'adjacent' | 'strided';

/** The load offset and address of row t's factor (rows up to 4; $sRow2B and $sRow3B hold 2 and 3 times $sRowB). */
function splatAt(t: number, splats: Splats): readonly [number, string] {
  if (splats === 'adjacent' || t === 0) return [splats === 'adjacent' ? t * 4 : 0, '(local.get $sp)'];
  const stride = ['$sRowB', '$sRow2B', '$sRow3B'][t - 1];
  return [0, `(i32.add (local.get $sp) (local.get ${stride}))`];
}

/** How a register tile spans the vector dimension: two f32x4 vectors, one, or one scalar. */
interface Span {
  readonly name: string;
  readonly vectors: number;
  readonly bytes: number;
}

const SPANS: readonly Span[] = [
  { name: 'v2', vectors: 2, bytes: 32 },
  { name: 'v1', vectors: 1, bytes: 16 },
  { name: 's1', vectors: 0, bytes: 4 },
];

/**
 * One register tile of a matrix product accumulated into memory: `rows` rows by `span`, over $kn
 * steps of the inner dimension. Row t's factor at each step is the float at $sp + 4t ('adjacent'
 * splats) or at $sp + t·$sRowB ('strided'), splatted; the span's factors are the floats at $vp; the
 * steps advance $sp by $sStep and $vp by $vStep bytes. The tile's accumulators start from and end in
 * memory at $accp + t·$accRowB.
 */
function tile(rows: number, span: Span, splats: Splats): string {
  const scalar = span.vectors === 0;
  const parts = scalar ? [0] : Array.from({ length: span.vectors }, (_, v) => v);
  const acc = (t: number, v: number): string => (scalar ? `$f${t}` : `$a${t}${v}`);
  const rowAt = (t: number): string => `(i32.add (local.get $accp) (i32.mul (i32.const ${t}) (local.get $accRowB)))`;
  const [load, store, add, mul] = scalar ? ['f32.load', 'f32.store', 'f32.add', 'f32.mul'] : ['v128.load', 'v128.store', 'f32x4.add', 'f32x4.mul'];
  const label = `${rows}${span.name}`;
  const lines: string[] = [];
  for (let t = 0; t < rows; t++) for (const v of parts) lines.push(`(local.set ${acc(t, v)} (${load} offset=${v * 16} ${rowAt(t)}))`);
  lines.push('(local.set $kk (i32.const 0))', `(block $stepsEnd${label} (loop $steps${label}`, ` (br_if $stepsEnd${label} (i32.ge_u (local.get $kk) (local.get $kn)))`);
  for (const v of parts) lines.push(` (local.set ${scalar ? '$fd' : `$d${v}`} (${load} offset=${v * 16} (local.get $vp)))`);
  for (let t = 0; t < rows; t++) {
    const [offset, at] = splatAt(t, splats);
    lines.push(scalar ? ` (local.set $fx (f32.load offset=${offset} ${at}))` : ` (local.set $xv (v128.load32_splat offset=${offset} ${at}))`);
    for (const v of parts) {
      const product = `(${mul} (local.get ${scalar ? '$fx' : '$xv'}) (local.get ${scalar ? '$fd' : `$d${v}`}))`;
      lines.push(` (local.set ${acc(t, v)} (${add} (local.get ${acc(t, v)}) ${product}))`);
    }
  }
  lines.push(
    ' (local.set $sp (i32.add (local.get $sp) (local.get $sStep)))',
    ' (local.set $vp (i32.add (local.get $vp) (local.get $vStep)))',
    ' (local.set $kk (i32.add (local.get $kk) (i32.const 1)))',
    ` (br $steps${label})))`,
  );
  for (let t = 0; t < rows; t++) for (const v of parts) lines.push(`(${store} offset=${v * 16} ${rowAt(t)} (local.get ${acc(t, v)}))`);
  return lines.join('\n');
}

/**
 * Tiles of `rows` rows across the whole vector dimension ($vTotalB bytes): by eights, then fours, then
 * ones. Each starts at $accBase, $spBase and $vpBase, offset along the vector dimension.
 */
function tileRow(rows: number, splats: Splats): string {
  const spans = SPANS.map((span) => {
    const label = `${rows}${span.name}`;
    return `
(block $spanEnd${label} (loop $span${label}
  (br_if $spanEnd${label} (i32.gt_u (i32.add (local.get $v0) (i32.const ${span.bytes})) (local.get $vTotalB)))
  (local.set $accp (i32.add (local.get $accBase) (local.get $v0)))
  (local.set $sp (local.get $spBase))
  (local.set $vp (i32.add (local.get $vpBase) (local.get $v0)))
  ${tile(rows, span, splats)}
  (local.set $v0 (i32.add (local.get $v0) (i32.const ${span.bytes})))
  (br $span${label})))`;
  });
  return `(local.set $v0 (i32.const 0))\n${spans.join('\n')}`;
}

/** The locals `tile` and `tileRow` use. */
const TILE_LOCALS = `
  (local $accp i32) (local $accBase i32) (local $accRowB i32) (local $sp i32) (local $spBase i32) (local $sStep i32)
  (local $vp i32) (local $vpBase i32) (local $vStep i32) (local $vTotalB i32) (local $v0 i32) (local $kk i32) (local $kn i32)
  (local $sRowB i32) (local $sRow2B i32) (local $sRow3B i32)
  (local $xv v128) (local $d0 v128) (local $d1 v128)
  ${[0, 1, 2, 3].flatMap((t) => [0, 1].map((v) => `(local $a${t}${v} v128)`)).join(' ')}
  (local $fx f32) (local $fd f32) (local $f0 f32) (local $f1 f32) (local $f2 f32) (local $f3 f32)`;

/**
 * Nested counted loops: for each [counter, limit] pair, outermost first, the counter runs from 0 while
 * below the limit (both i32 locals); `body` runs innermost.
 */
function countedLoops(loops: readonly (readonly [string, string])[], body: string): string {
  return loops.reduceRight((inner, [counter, limit]) => {
    const label = counter.slice(1);
    return `(local.set ${counter} (i32.const 0))
  (block $${label}End (loop $${label}Loop (br_if $${label}End (i32.ge_u (local.get ${counter}) (local.get ${limit})))
   ${inner}
   (local.set ${counter} (i32.add (local.get ${counter}) (i32.const 1))) (br $${label}Loop)))`;
  }, body);
}

/**
 * For each image b, output row oy and tap (r, s), `body` (with $b, $oy, $r, $s set), inside loops
 * over $n, $oh, $kh and $kw.
 */
function rowsAndTaps(body: string): string {
  return countedLoops([['$b', '$n'], ['$oy', '$oh'], ['$r', '$kh'], ['$s', '$kw']], body);
}

/** `body` for $t0 from 0 in steps of `step` while `step` more fit below `limit`, then one at a time. */
function byTilesThenOnes(limit: string, step: number, body: (rows: number) => string): string {
  return `
  (local.set $t0 (i32.const 0))
  (block $tilesEnd (loop $tiles (br_if $tilesEnd (i32.gt_u (i32.add (local.get $t0) (i32.const ${step})) ${limit}))
    ${body(step)}
    (local.set $t0 (i32.add (local.get $t0) (i32.const ${step})))
    (br $tiles)))
  (block $onesEnd (loop $ones (br_if $onesEnd (i32.ge_u (local.get $t0) ${limit}))
    ${body(1)}
    (local.set $t0 (i32.add (local.get $t0) (i32.const 1)))
    (br $ones)))`;
}

/** The byte offset of pixel (b, row, col) of an NHWC tensor at $base with $height, $width and $rowB bytes a pixel. */
function pixelAt(base: string, row: string, col: string, height: string, width: string, pixelB: string): string {
  return `(i32.add (local.get ${base}) (i32.mul (local.get ${pixelB})
    (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get ${height})) ${row}) (local.get ${width})) ${col})))`;
}

/** One function of per-(dy row, tap) matrix products, tiled by `tile`: its parts, as WebAssembly text. */
interface TapProducts {
  readonly name: string;
  /** Its params after the three tensor offsets, which are named here. */
  readonly tensors: readonly [string, string, string];
  /** Locals beyond the tiles' and the loops'. */
  readonly locals: string;
  /** Sets locals of its own before the rest. */
  readonly prepare: string;
  /** The width of the vector dimension, in bytes ($vTotalB; also $vStep, the vector factors' step). */
  readonly vectorBytes: string;
  /** $accRowB, $sStep and $kn (see `tile`). */
  readonly accRowBytes: string;
  readonly splatStep: string;
  readonly steps: string;
  /** The tensor accumulated into, and its size in elements: zeroed first. */
  readonly zero: readonly [string, string];
  /** For one ($b, $oy, $r, $s): the row pointers the tile bases start from. */
  readonly perTap: string;
  /** What the tile rows run along (four at a time, then one). */
  readonly rows: string;
  /** Sets $accBase, $spBase and $vpBase for the tile rows from $t0. */
  readonly tileBases: string;
  /** Where the tile rows' splatted factors lie (see `tile`); 'strided' sets $sRowB to `splatRowBytes`. */
  readonly splats: Splats;
  readonly splatRowBytes?: string;
}

function tapProducts(f: TapProducts): string {
  const [a, b, c] = f.tensors;
  return `
 (func (export "${f.name}")
  (param ${a} i32) (param ${b} i32) (param ${c} i32) (param $n i32) (param $hp i32) (param $wp i32) (param $cin i32)
  (param $oh i32) (param $ow i32) (param $cout i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
  (local $b i32) (local $oy i32) (local $r i32) (local $s i32) (local $t0 i32) ${f.locals}
  ${TILE_LOCALS}
  ${f.prepare}
  (local.set $vTotalB ${f.vectorBytes})
  (local.set $vStep (local.get $vTotalB))
  (local.set $accRowB ${f.accRowBytes})
  (local.set $sStep ${f.splatStep})
  (local.set $kn ${f.steps})
  (local.set $sRowB ${f.splatRowBytes ?? '(i32.const 4)'})
  (local.set $sRow2B (i32.shl (local.get $sRowB) (i32.const 1)))
  (local.set $sRow3B (i32.add (local.get $sRow2B) (local.get $sRowB)))
  (memory.fill (local.get ${f.zero[0]}) (i32.const 0) (i32.shl ${f.zero[1]} (i32.const 2)))
  ${rowsAndTaps(`${f.perTap}
      ${byTilesThenOnes(f.rows, 4, (rows) => `${f.tileBases}
        ${tileRow(rows, f.splats)}`)}`)}
 )`;
}

/** Row (oy·sh + r) of the padded input, at column s: where tap (r, s) of dy row oy reads. */
const TAP_ROW = '(i32.add (i32.mul (local.get $oy) (local.get $sh)) (local.get $r))';

/** Byte offset of tap (r, s)'s [channels, vector bytes] block in a [kh, kw, channels, ·] tensor at `base`. */
function tapBlock(base: string, channels: string): string {
  return `(i32.add (local.get ${base})
        (i32.mul (i32.mul (i32.add (i32.mul (local.get $r) (local.get $kw)) (local.get $s)) (local.get ${channels})) (local.get $vTotalB)))`;
}

const CONV_FILTER_TAPS = tapProducts({
  name: 'convFilterTaps',
  tensors: ['$x', '$dy', '$dw'],
  locals: '(local $cinB i32) (local $xrow i32) (local $dyrow i32) (local $taprow i32)',
  prepare: '(local.set $cinB (i32.shl (local.get $cin) (i32.const 2)))',
  vectorBytes: '(i32.shl (local.get $cout) (i32.const 2))',
  accRowBytes: '(local.get $vTotalB)',
  splatStep: '(i32.mul (local.get $sw) (local.get $cinB))',
  steps: '(local.get $ow)',
  zero: ['$dw', '(i32.mul (i32.mul (i32.mul (local.get $kh) (local.get $kw)) (local.get $cin)) (local.get $cout))'],
  perTap: `
      (local.set $xrow ${pixelAt('$x', TAP_ROW, '(local.get $s)', '$hp', '$wp', '$cinB')})
      (local.set $dyrow ${pixelAt('$dy', '(local.get $oy)', '(i32.const 0)', '$oh', '$ow', '$vTotalB')})
      (local.set $taprow ${tapBlock('$dw', '$cin')})`,
  rows: '(local.get $cin)',
  tileBases: `
        (local.set $accBase (i32.add (local.get $taprow) (i32.mul (local.get $t0) (local.get $vTotalB))))
        (local.set $spBase (i32.add (local.get $xrow) (i32.shl (local.get $t0) (i32.const 2))))
        (local.set $vpBase (local.get $dyrow))`,
  splats: 'adjacent',
});

const CONV_INPUT_TAPS = tapProducts({
  name: 'convInputTaps',
  tensors: ['$dy', '$wT', '$dx'],
  locals: '(local $coutB i32) (local $dxrow i32) (local $dyrow i32) (local $wtap i32)',
  prepare: '(local.set $coutB (i32.shl (local.get $cout) (i32.const 2)))',
  vectorBytes: '(i32.shl (local.get $cin) (i32.const 2))',
  accRowBytes: '(i32.mul (local.get $sw) (local.get $vTotalB))',
  splatStep: '(i32.const 4)',
  steps: '(local.get $cout)',
  zero: ['$dx', '(i32.mul (i32.mul (i32.mul (local.get $n) (local.get $hp)) (local.get $wp)) (local.get $cin))'],
  perTap: `
      (local.set $dxrow ${pixelAt('$dx', TAP_ROW, '(local.get $s)', '$hp', '$wp', '$vTotalB')})
      (local.set $dyrow ${pixelAt('$dy', '(local.get $oy)', '(i32.const 0)', '$oh', '$ow', '$coutB')})
      (local.set $wtap ${tapBlock('$wT', '$cout')})`,
  rows: '(local.get $ow)',
  tileBases: `
        (local.set $accBase (i32.add (local.get $dxrow) (i32.mul (local.get $t0) (local.get $accRowB))))
        (local.set $spBase (i32.add (local.get $dyrow) (i32.mul (local.get $t0) (local.get $coutB))))
        (local.set $vpBase (local.get $wtap))`,
  splats: 'strided',
  splatRowBytes: '(local.get $coutB)',
});

const GRADIENT_IN_RANGE = `
 (func (export "gradientInRange")
  (param $dy i32) (param $x i32) (param $out i32) (param $n i32) (param $low f32) (param $high f32) (param $includeLow i32)
  (local $k i32) (local $end i32) (local $vectorEnd i32) (local $lows v128) (local $highs v128) (local $atLow v128) (local $xv v128) (local $xs f32)
  (local.set $end (i32.shl (local.get $n) (i32.const 2)))
  (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
  (local.set $lows (f32x4.splat (local.get $low)))
  (local.set $highs (f32x4.splat (local.get $high)))
  (local.set $atLow (i32x4.splat (i32.sub (i32.const 0) (local.get $includeLow))))
  (block $vEnd (loop $vLoop (br_if $vEnd (i32.ge_u (local.get $k) (local.get $vectorEnd)))
    (local.set $xv (v128.load (i32.add (local.get $x) (local.get $k))))
    (v128.store (i32.add (local.get $out) (local.get $k))
      (v128.and (v128.load (i32.add (local.get $dy) (local.get $k)))
        (v128.and (f32x4.le (local.get $xv) (local.get $highs))
          (v128.or (f32x4.gt (local.get $xv) (local.get $lows))
                   (v128.and (f32x4.eq (local.get $xv) (local.get $lows)) (local.get $atLow))))))
    (local.set $k (i32.add (local.get $k) (i32.const 16)))
    (br $vLoop)))
  (block $sEnd (loop $sLoop (br_if $sEnd (i32.ge_u (local.get $k) (local.get $end)))
    (local.set $xs (f32.load (i32.add (local.get $x) (local.get $k))))
    (f32.store (i32.add (local.get $out) (local.get $k))
      (select (f32.load (i32.add (local.get $dy) (local.get $k))) (f32.const 0)
        (i32.and (f32.le (local.get $xs) (local.get $high))
          (i32.or (f32.gt (local.get $xs) (local.get $low))
                  (i32.and (f32.eq (local.get $xs) (local.get $low)) (local.get $includeLow))))))
    (local.set $k (i32.add (local.get $k) (i32.const 4)))
    (br $sLoop)))
 )`;

/**
 * Into the i32 list at $taps, the byte offset of each input pixel (b, iy, ix) of output pixel (b, oy,
 * ox)'s window that lies inside the input, in row-major tap order; their count in $count.
 */
const WINDOW_TAPS = `(local.set $count (i32.const 0))
     (local.set $r (i32.const 0))
     (block $rEnd (loop $rLoop (br_if $rEnd (i32.ge_u (local.get $r) (local.get $kh)))
      (local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $sh)) (local.get $r)) (local.get $pt)))
      (if (i32.lt_u (local.get $iy) (local.get $h)) (then
       (local.set $s (i32.const 0))
       (block $sEnd (loop $sLoop (br_if $sEnd (i32.ge_u (local.get $s) (local.get $kw)))
        (local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $sw)) (local.get $s)) (local.get $pl)))
        (if (i32.lt_u (local.get $ix) (local.get $w)) (then
         (i32.store (i32.add (local.get $taps) (i32.shl (local.get $count) (i32.const 2)))
           (i32.mul (local.get $rowBytes) (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $iy)) (local.get $w)) (local.get $ix))))
         (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $s (i32.add (local.get $s) (i32.const 1))) (br $sLoop)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1))) (br $rLoop)))`;

/** `body` for each tap of the list WINDOW_TAPS made, with $pixel its byte offset plus $k. */
function eachTap(label: string, body: string): string {
  return `(local.set $t (i32.const 0))
       (block $tEnd${label} (loop $tLoop${label} (br_if $tEnd${label} (i32.ge_u (local.get $t) (local.get $count)))
        (local.set $pixel (i32.add (local.get $k) (i32.load (i32.add (local.get $taps) (i32.shl (local.get $t) (i32.const 2))))))
        ${body}
        (local.set $t (i32.add (local.get $t) (i32.const 1))) (br $tLoop${label})))`;
}

/** One output pixel's max-pooling gradient over channel bytes from $k: four at a time up to $vectorBytes, or one at a time up to $rowBytes. */
function maxPoolChannels(kind: 'vector' | 'scalar'): string {
  const at = (base: string): string => `(i32.add (local.get ${base}) (local.get $pixel))`;
  if (kind === 'vector') {
    return `(block $vectorEnd (loop $vectorLoop (br_if $vectorEnd (i32.ge_u (local.get $k) (local.get $vectorBytes)))
       (local.set $best (f32x4.splat (f32.const -inf)))
       ${eachTap('MaxV', `(local.set $v (v128.load ${at('$x')}))
           (local.set $best (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))`)}
       (local.set $free (f32x4.gt (local.get $best) (f32x4.splat (f32.const -inf))))
       (local.set $g (v128.load (i32.add (local.get $dyp) (local.get $k))))
       ${eachTap('WinV', `(local.set $hit (v128.and (f32x4.eq (v128.load ${at('$x')}) (local.get $best)) (local.get $free)))
           (v128.store ${at('$dx')} (f32x4.add (v128.load ${at('$dx')}) (v128.and (local.get $g) (local.get $hit))))
           (local.set $free (v128.andnot (local.get $free) (local.get $hit)))`)}
       (local.set $k (i32.add (local.get $k) (i32.const 16)))
       (br $vectorLoop)))`;
  }
  return `(block $scalarEnd (loop $scalarLoop (br_if $scalarEnd (i32.ge_u (local.get $k) (local.get $rowBytes)))
       (local.set $bestS (f32.const -inf))
       ${eachTap('MaxS', `(local.set $vS (f32.load ${at('$x')}))
           (local.set $bestS (select (local.get $vS) (local.get $bestS) (f32.gt (local.get $vS) (local.get $bestS))))`)}
       (local.set $freeS (f32.gt (local.get $bestS) (f32.const -inf)))
       ${eachTap('WinS', `(if (i32.and (f32.eq (f32.load ${at('$x')}) (local.get $bestS)) (local.get $freeS)) (then
             (f32.store ${at('$dx')} (f32.add (f32.load ${at('$dx')}) (f32.load (i32.add (local.get $dyp) (local.get $k)))))
             (local.set $freeS (i32.const 0))))`)}
       (local.set $k (i32.add (local.get $k) (i32.const 4)))
       (br $scalarLoop)))`;
}

const MAX_POOL_TAPS = `
 (func (export "maxPoolTaps")
  (param $x i32) (param $dy i32) (param $dx i32) (param $taps i32) (param $n i32) (param $h i32) (param $w i32) (param $c i32)
  (param $oh i32) (param $ow i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $pt i32) (param $pl i32)
  (local $b i32) (local $oy i32) (local $ox i32) (local $r i32) (local $s i32) (local $iy i32) (local $ix i32)
  (local $k i32) (local $pixel i32) (local $dyp i32) (local $rowBytes i32) (local $vectorBytes i32) (local $t i32) (local $count i32)
  (local $best v128) (local $free v128) (local $v v128) (local $g v128) (local $hit v128)
  (local $bestS f32) (local $vS f32) (local $freeS i32)
  (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
  (local.set $vectorBytes (i32.and (local.get $rowBytes) (i32.const -16)))
  (memory.fill (local.get $dx) (i32.const 0)
    (i32.mul (local.get $rowBytes) (i32.mul (i32.mul (local.get $n) (local.get $h)) (local.get $w))))
  (local.set $dyp (local.get $dy))
  ${countedLoops([['$b', '$n'], ['$oy', '$oh'], ['$ox', '$ow']], `${WINDOW_TAPS}
     (local.set $k (i32.const 0))
     ${maxPoolChannels('vector')}
     ${maxPoolChannels('scalar')}
     (local.set $dyp (i32.add (local.get $dyp) (local.get $rowBytes)))`)}
 )`;

/** A per-channel op's two forms: on f32x4 vectors and on single floats, given its operands' loads. */
type ChannelForm = (fulls: readonly string[], vectors: readonly string[], lets: readonly string[], constants: readonly string[]) => string;

/**
 * A loop over the rows of full-size tensors (channels last) and per-channel vectors: each row either
 * writes one value per channel into `$out` ('map') or adds them into per-channel sums ('sum', the
 * sums zeroed first; one `terms` entry per sum).
 */
interface ChannelOp {
  readonly name: string;
  /** The full-size tensors it reads, row by row. */
  readonly fulls: readonly string[];
  /** The per-channel vectors it reads. */
  readonly vectors: readonly string[];
  readonly kind: 'map' | 'sum';
  /** Values computed once per element before the terms, in order (each sees the ones before it). */
  readonly lets?: readonly { readonly vector: ChannelForm; readonly scalar: ChannelForm }[];
  /** f32 parameters, the same for every channel (after the outputs among the parameters). */
  readonly constants?: readonly string[];
  /** For 'map', one term (into $out); for 'sum', one per sum, named by `into`. */
  readonly terms: readonly { readonly into: string; readonly vector: ChannelForm; readonly scalar: ChannelForm }[];
  /** For 'sum', a full-size output written as well (after the sums among the parameters). */
  readonly also?: { readonly into: string; readonly vector: ChannelForm; readonly scalar: ChannelForm };
}

const binary = (name: string, vector: string, scalar: string, flipped = false): ChannelOp => ({
  name,
  fulls: ['$x'],
  vectors: ['$v'],
  kind: 'map',
  terms: [{
    into: '$out',
    vector: ([x], [v]) => (flipped ? `(${vector} ${v} ${x})` : `(${vector} ${x} ${v})`),
    scalar: ([x], [v]) => (flipped ? `(${scalar} ${v} ${x})` : `(${scalar} ${x} ${v})`),
  }],
});

/**
 * The lets of the masked BatchNorm gradients, from fulls [dy, x] and vectors [m, g, b, …] and constants
 * [lo, hi]: x − m, then dz, dy where lo < (x − m)·g + b ≤ hi (else +0; a NaN passes nothing): the
 * activation's gradient through the normalization, recomputed in the forward pass's instruction order.
 */
const MASKED_DY: NonNullable<ChannelOp['lets']> = [
  { vector: ([, x], [m]) => `(f32x4.sub ${x} ${m})`, scalar: ([, x], [m]) => `(f32.sub ${x} ${m})` },
  {
    vector: ([dy], [, g, b], [xc], [lo, hi]) => {
      const z = `(f32x4.add (f32x4.mul ${xc} ${g}) ${b})`;
      return `(v128.and ${dy} (v128.and (f32x4.gt ${z} ${lo}) (f32x4.le ${z} ${hi})))`;
    },
    scalar: ([dy], [, g, b], [xc], [lo, hi]) => {
      const z = `(f32.add (f32.mul ${xc} ${g}) ${b})`;
      return `(select ${dy} (f32.const 0) (i32.and (f32.gt ${z} ${lo}) (f32.le ${z} ${hi})))`;
    },
  },
];

const CHANNEL_OPS: readonly ChannelOp[] = [
  binary('channelAdd', 'f32x4.add', 'f32.add'),
  binary('channelSub', 'f32x4.sub', 'f32.sub'),
  binary('channelSubFrom', 'f32x4.sub', 'f32.sub', true),
  binary('channelMul', 'f32x4.mul', 'f32.mul'),
  {
    name: 'channelShiftedSums',
    fulls: ['$x'],
    vectors: ['$shift'],
    kind: 'sum',
    terms: [
      { into: '$sum', vector: ([x], [k]) => `(f32x4.sub ${x} ${k})`, scalar: ([x], [k]) => `(f32.sub ${x} ${k})` },
      {
        into: '$sumSquares',
        vector: ([x], [k]) => `(f32x4.mul (f32x4.sub ${x} ${k}) (f32x4.sub ${x} ${k}))`,
        scalar: ([x], [k]) => `(f32.mul (f32.sub ${x} ${k}) (f32.sub ${x} ${k}))`,
      },
    ],
  },
  {
    name: 'channelCentredClamp',
    fulls: ['$x'],
    vectors: ['$m', '$s', '$b'],
    constants: ['$lo', '$hi'],
    kind: 'map',
    lets: [
      { vector: ([x], [m]) => `(f32x4.sub ${x} ${m})`, scalar: ([x], [m]) => `(f32.sub ${x} ${m})` },
      { vector: (_, [, sc, b], [xc]) => `(f32x4.add (f32x4.mul ${xc} ${sc}) ${b})`, scalar: (_, [, sc, b], [xc]) => `(f32.add (f32.mul ${xc} ${sc}) ${b})` },
    ],
    terms: [{
      into: '$out',
      // pmax/pmin (a < b ? b : a and b < a ? b : a) in this order keep a NaN z, and z itself for bounds ±∞.
      vector: (_, __, [, z], [lo, hi]) => `(f32x4.pmin (f32x4.pmax ${z} ${lo}) ${hi})`,
      scalar: (_, __, [, z], [lo, hi]) => {
        const floored = `(select ${lo} ${z} (f32.lt ${z} ${lo}))`;
        return `(select ${hi} ${floored} (f32.lt ${hi} ${floored}))`;
      },
    }],
  },
  {
    name: 'channelGradientSums',
    fulls: ['$dy', '$x'],
    vectors: ['$m'],
    kind: 'sum',
    terms: [
      { into: '$sumDy', vector: ([dy]) => dy!, scalar: ([dy]) => dy! },
      {
        into: '$sumDyCentred',
        vector: ([dy, x], [m]) => `(f32x4.mul ${dy} (f32x4.sub ${x} ${m}))`,
        scalar: ([dy, x], [m]) => `(f32.mul ${dy} (f32.sub ${x} ${m}))`,
      },
    ],
  },
  {
    name: 'channelMaskedGradientSums',
    fulls: ['$dy', '$x'],
    vectors: ['$m', '$g', '$b'],
    constants: ['$lo', '$hi'],
    kind: 'sum',
    lets: MASKED_DY,
    terms: [
      { into: '$sumDy', vector: (_, __, [, dz]) => dz!, scalar: (_, __, [, dz]) => dz! },
      {
        into: '$sumDyCentred',
        vector: (_, __, [xc, dz]) => `(f32x4.mul ${dz} ${xc})`,
        scalar: (_, __, [xc, dz]) => `(f32.mul ${dz} ${xc})`,
      },
    ],
    also: { into: '$dz', vector: (_, __, [, dz]) => dz!, scalar: (_, __, [, dz]) => dz! },
  },
  {
    name: 'channelCentredGradient',
    fulls: ['$dy', '$x'],
    vectors: ['$a', '$m', '$s', '$b'],
    kind: 'map',
    terms: [{
      into: '$out',
      vector: ([dy, x], [a, m, sc, b]) => `(f32x4.add (f32x4.add (f32x4.mul ${dy} ${a}) (f32x4.mul (f32x4.sub ${x} ${m}) ${sc})) ${b})`,
      scalar: ([dy, x], [a, m, sc, b]) => `(f32.add (f32.add (f32.mul ${dy} ${a}) (f32.mul (f32.sub ${x} ${m}) ${sc})) ${b})`,
    }],
  },
];

function channelOp(op: ChannelOp): string {
  const lets = op.lets ?? [];
  const constants = op.constants ?? [];
  const locals: string[] = [];
  const forms = (['vector', 'scalar'] as const).map((kind) => {
    const [type, load, store, add, step, end] =
      kind === 'vector' ? ['v128', 'v128.load', 'v128.store', 'f32x4.add', 16, '$vectorBytes'] : ['f32', 'f32.load', 'f32.store', 'f32.add', 4, '$rowBytes'];
    const suffix = kind === 'vector' ? 'v' : 's';
    const named = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `$${prefix}${i}${suffix}`);
    const [fullLocals, vectorLocals, letLocals] = [named('F', op.fulls.length), named('V', op.vectors.length), named('L', lets.length)];
    locals.push(...[...fullLocals, ...vectorLocals, ...letLocals].map((name) => `(local ${name} ${type})`));
    const get = (names: readonly string[]): string[] => names.map((name) => `(local.get ${name})`);
    const [fulls, vectors, letValues] = [get(fullLocals), get(vectorLocals), get(letLocals)];
    const constantValues = kind === 'vector' ? get(named('C', constants.length)) : get(constants);
    const loads = [
      ...op.fulls.map((f, i) => `(local.set ${fullLocals[i]} (${load} (i32.add (local.get ${f}) (i32.add (local.get $p) (local.get $k)))))`),
      ...op.vectors.map((v, i) => `(local.set ${vectorLocals[i]} (${load} (i32.add (local.get ${v}) (local.get $k))))`),
      ...lets.map((l, i) => `(local.set ${letLocals[i]} ${l[kind](fulls, vectors, letValues, constantValues)})`),
    ];
    const full = (into: string, value: string): string => `(${store} (i32.add (local.get ${into}) (i32.add (local.get $p) (local.get $k))) ${value})`;
    const body = op.terms.map((term) => {
      const value = term[kind](fulls, vectors, letValues, constantValues);
      if (op.kind === 'map') return full(term.into, value);
      const at = `(i32.add (local.get ${term.into}) (local.get $k))`;
      return `(${store} ${at} (${add} (${load} ${at}) ${value}))`;
    });
    if (op.also !== undefined) body.push(full(op.also.into, op.also[kind](fulls, vectors, letValues, constantValues)));
    return `(block $${kind}End (loop $${kind}Loop (br_if $${kind}End (i32.ge_u (local.get $k) (local.get ${end})))
      ${[...loads, ...body].join('\n      ')}
      (local.set $k (i32.add (local.get $k) (i32.const ${step})))
      (br $${kind}Loop)))`;
  });
  const splats = constants.map((c, i) => `(local.set $C${i}v (f32x4.splat (local.get ${c})))`);
  locals.push(...constants.map((_, i) => `(local $C${i}v v128)`));
  const params = [
    ...[...op.fulls, ...op.vectors, ...op.terms.map((t) => t.into), ...(op.also === undefined ? [] : [op.also.into])].map((name) => `(param ${name} i32)`),
    ...constants.map((name) => `(param ${name} f32)`),
  ].join(' ');
  const zero = op.kind === 'sum' ? op.terms.map((t) => `(memory.fill (local.get ${t.into}) (i32.const 0) (local.get $rowBytes))`).join('\n  ') : '';
  return `
 (func (export "${op.name}")
  ${params} (param $rows i32) (param $c i32)
  (local $p i32) (local $end i32) (local $k i32) (local $rowBytes i32) (local $vectorBytes i32) ${locals.join(' ')}
  ${splats.join('\n  ')}
  (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
  (local.set $vectorBytes (i32.and (local.get $rowBytes) (i32.const -16)))
  (local.set $end (i32.mul (local.get $rows) (local.get $rowBytes)))
  ${zero}
  (block $rowsEnd (loop $rowsLoop (br_if $rowsEnd (i32.ge_u (local.get $p) (local.get $end)))
    (local.set $k (i32.const 0))
    ${forms.join('\n    ')}
    (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
    (br $rowsLoop)))
 )`;
}

/** One tap's dot product of dy pixel $dyp with filter row $tap over the output channels, into $acc (by fours) and $tail. */
const TAP_DOT = `(local.set $k (i32.const 0))
            (block $vEnd (loop $vLoop (br_if $vEnd (i32.ge_u (local.get $k) (local.get $vectorB)))
             (local.set $acc (f32x4.add (local.get $acc)
               (f32x4.mul (v128.load (i32.add (local.get $dyp) (local.get $k))) (v128.load (i32.add (local.get $tap) (local.get $k))))))
             (local.set $k (i32.add (local.get $k) (i32.const 16))) (br $vLoop)))
            (block $tEnd (loop $tLoop (br_if $tEnd (i32.ge_u (local.get $k) (local.get $coutB)))
             (local.set $tail (f32.add (local.get $tail)
               (f32.mul (f32.load (i32.add (local.get $dyp) (local.get $k))) (f32.load (i32.add (local.get $tap) (local.get $k))))))
             (local.set $k (i32.add (local.get $k) (i32.const 4))) (br $tLoop)))`;

/**
 * Sets `index` to the dy row (column) that reads input row `at` through tap `tap` and runs `body` where
 * there is one: (at + pad − tap) / stride, when that is a whole number in [0, limit).
 */
function readerOf(index: string, at: string, pad: string, tap: string, stride: string, limit: string, body: string): string {
  return `(local.set ${index} (i32.sub (i32.add (local.get ${at}) (local.get ${pad})) (local.get ${tap})))
       (if (i32.and (i32.ge_s (local.get ${index}) (i32.const 0)) (i32.eqz (i32.rem_u (local.get ${index}) (local.get ${stride})))) (then
        (local.set ${index} (i32.div_u (local.get ${index}) (local.get ${stride})))
        (if (i32.lt_u (local.get ${index}) (local.get ${limit})) (then
         ${body}))))`;
}

const CONV_INPUT_DOTS = `
 (func (export "convInputDots")
  (param $dy i32) (param $wt i32) (param $dx i32) (param $n i32) (param $h i32) (param $w i32) (param $cin i32)
  (param $oh i32) (param $ow i32) (param $cout i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
  (param $pt i32) (param $pl i32)
  (local $b i32) (local $iy i32) (local $ix i32) (local $r i32) (local $s i32) (local $oy i32) (local $ox i32) (local $i i32)
  (local $k i32) (local $dyp i32) (local $tap i32) (local $out i32) (local $coutB i32) (local $vectorB i32)
  (local $acc v128) (local $tail f32)
  (local.set $coutB (i32.shl (local.get $cout) (i32.const 2)))
  (local.set $vectorB (i32.and (local.get $coutB) (i32.const -16)))
  (local.set $out (local.get $dx))
  ${countedLoops([['$b', '$n'], ['$iy', '$h'], ['$ix', '$w'], ['$i', '$cin']], `(local.set $acc (f32x4.splat (f32.const 0)))
      (local.set $tail (f32.const 0))
      ${countedLoops([['$r', '$kh']], readerOf('$oy', '$iy', '$pt', '$r', '$sh', '$oh', countedLoops([['$s', '$kw']], readerOf('$ox', '$ix', '$pl', '$s', '$sw', '$ow', `
            (local.set $dyp (i32.add (local.get $dy) (i32.mul (local.get $coutB)
              (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox)))))
            (local.set $tap (i32.add (local.get $wt) (i32.mul (local.get $coutB)
              (i32.add (i32.mul (i32.add (i32.mul (local.get $r) (local.get $kw)) (local.get $s)) (local.get $cin)) (local.get $i)))))
            ${TAP_DOT}`))))}
      (f32.store (local.get $out) (f32.add (local.get $tail)
        (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                 (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))`)}
 )`;

const COPY_COLUMNS = `
 (func (export "copyColumns")
  (param $src i32) (param $dst i32) (param $rows i32) (param $srcCols i32) (param $dstCols i32)
  (param $srcStart i32) (param $dstStart i32) (param $count i32)
  (local $row i32) (local $from i32) (local $to i32) (local $srcRowB i32) (local $dstRowB i32) (local $bytes i32)
  (local.set $srcRowB (i32.shl (local.get $srcCols) (i32.const 2)))
  (local.set $dstRowB (i32.shl (local.get $dstCols) (i32.const 2)))
  (local.set $bytes (i32.shl (local.get $count) (i32.const 2)))
  (local.set $from (i32.add (local.get $src) (i32.shl (local.get $srcStart) (i32.const 2))))
  (local.set $to (i32.add (local.get $dst) (i32.shl (local.get $dstStart) (i32.const 2))))
  (block $end (loop $rowLoop (br_if $end (i32.ge_u (local.get $row) (local.get $rows)))
    (memory.copy (local.get $to) (local.get $from) (local.get $bytes))
    (local.set $from (i32.add (local.get $from) (local.get $srcRowB)))
    (local.set $to (i32.add (local.get $to) (local.get $dstRowB)))
    (local.set $row (i32.add (local.get $row) (i32.const 1)))
    (br $rowLoop)))
 )`;

/** One Adam step on $k's four floats ('vector') or one ('scalar'). */
function adamStep(kind: 'vector' | 'scalar'): string {
  const [load, store, add, mul, div, sqrt, splat, step, end] =
    kind === 'vector'
      ? ['v128.load', 'v128.store', 'f32x4.add', 'f32x4.mul', 'f32x4.div', 'f32x4.sqrt', (x: string) => `(f32x4.splat (local.get ${x}))`, 16, '$vectorBytes']
      : ['f32.load', 'f32.store', 'f32.add', 'f32.mul', 'f32.div', 'f32.sqrt', (x: string) => `(local.get ${x})`, 4, '$bytes'];
  const at = (t: string): string => `(i32.add (local.get ${t}) (local.get $k))`;
  const g = `(${load} ${at('$g')})`;
  const m = `(${add} (${mul} (${load} ${at('$m')}) ${splat('$beta1')}) (${mul} ${g} ${splat('$oneMinusBeta1')}))`;
  const v = `(${add} (${mul} (${load} ${at('$v')}) ${splat('$beta2')}) (${mul} (${mul} ${g} ${g}) ${splat('$oneMinusBeta2')}))`;
  const update = `(${mul} (${div} (${div} (${load} ${at('$newM')}) ${splat('$c1')}) (${add} (${sqrt} (${div} (${load} ${at('$newV')}) ${splat('$c2')})) ${splat('$eps')})) ${splat('$negLr')})`;
  return `(block $${kind}End (loop $${kind}Loop (br_if $${kind}End (i32.ge_u (local.get $k) (local.get ${end})))
    (${store} ${at('$newM')} ${m})
    (${store} ${at('$newV')} ${v})
    (${store} ${at('$newValue')} (${add} ${update} (${load} ${at('$value')})))
    (local.set $k (i32.add (local.get $k) (i32.const ${step})))
    (br $${kind}Loop)))`;
}

const ADAM_UPDATE = `
 (func (export "adamUpdate")
  (param $value i32) (param $m i32) (param $v i32) (param $g i32) (param $newValue i32) (param $newM i32) (param $newV i32) (param $n i32)
  (param $beta1 f32) (param $beta2 f32) (param $oneMinusBeta1 f32) (param $oneMinusBeta2 f32) (param $c1 f32) (param $c2 f32)
  (param $negLr f32) (param $eps f32)
  (local $k i32) (local $bytes i32) (local $vectorBytes i32)
  (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
  (local.set $vectorBytes (i32.and (local.get $bytes) (i32.const -16)))
  ${adamStep('vector')}
  ${adamStep('scalar')}
 )`;

const WINDOW_ROWS = `
 (func (export "windowRows")
  (param $src i32) (param $dst i32) (param $n i32) (param $h i32) (param $w i32) (param $c i32)
  (param $top i32) (param $left i32) (param $oh i32) (param $ow i32)
  (local $b i32) (local $y i32) (local $sy i32) (local $x0 i32) (local $count i32) (local $pixelB i32)
  (local.set $pixelB (i32.shl (local.get $c) (i32.const 2)))
  (if (i32.or (i32.or (i32.gt_s (local.get $top) (i32.const 0)) (i32.gt_s (local.get $left) (i32.const 0)))
              (i32.or (i32.gt_s (local.get $oh) (i32.add (local.get $h) (local.get $top)))
                      (i32.gt_s (local.get $ow) (i32.add (local.get $w) (local.get $left)))))
    (then (memory.fill (local.get $dst) (i32.const 0)
      (i32.mul (local.get $pixelB) (i32.mul (i32.mul (local.get $n) (local.get $oh)) (local.get $ow))))))
  (local.set $x0 (select (local.get $left) (i32.const 0) (i32.gt_s (local.get $left) (i32.const 0))))
  (local.set $count (i32.sub (local.get $ow) (local.get $x0)))
  (if (i32.gt_s (local.get $count) (i32.sub (i32.add (local.get $w) (local.get $left)) (local.get $x0)))
    (then (local.set $count (i32.sub (i32.add (local.get $w) (local.get $left)) (local.get $x0)))))
  (if (i32.le_s (local.get $count) (i32.const 0)) (then (return)))
  (block $bEnd (loop $bLoop (br_if $bEnd (i32.ge_u (local.get $b) (local.get $n)))
   (local.set $y (i32.const 0))
   (block $yEnd (loop $yLoop (br_if $yEnd (i32.ge_u (local.get $y) (local.get $oh)))
    (local.set $sy (i32.sub (local.get $y) (local.get $top)))
    (if (i32.lt_u (local.get $sy) (local.get $h)) (then
      (memory.copy
        (i32.add (local.get $dst) (i32.mul (local.get $pixelB)
          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $y)) (local.get $ow)) (local.get $x0))))
        (i32.add (local.get $src) (i32.mul (local.get $pixelB)
          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $sy)) (local.get $w)) (i32.sub (local.get $x0) (local.get $left)))))
        (i32.mul (local.get $count) (local.get $pixelB)))))
    (local.set $y (i32.add (local.get $y) (i32.const 1))) (br $yLoop)))
   (local.set $b (i32.add (local.get $b) (i32.const 1))) (br $bLoop)))
 )`;

/** The module: its functions over the imported memory. */
export const SIMD_MODULE_TEXT = `(module\n (import "env" "memory" (memory 0))\n${DEPTHWISE_TAPS}\n${CONV_FILTER_TAPS}\n${CONV_INPUT_TAPS}\n${GRADIENT_IN_RANGE}\n${MAX_POOL_TAPS}\n${CHANNEL_OPS.map(channelOp).join('\n')}\n${CONV_INPUT_DOTS}\n${COPY_COLUMNS}\n${ADAM_UPDATE}\n${WINDOW_ROWS})\n`;
