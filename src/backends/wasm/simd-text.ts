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
 */
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
                 (block $vEnd (loop $vLoop
                   (br_if $vEnd (i32.ge_u (local.get $k) (local.get $vectorBytes)))
                   (v128.store (i32.add (local.get $acc) (local.get $k))
                     (f32x4.add (v128.load (i32.add (local.get $acc) (local.get $k)))
                       (f32x4.mul (v128.load (i32.add (local.get $src) (local.get $k)))
                                  (v128.load (i32.add (local.get $dyp) (local.get $k))))))
                   (local.set $k (i32.add (local.get $k) (i32.const 16)))
                   (br $vLoop)))
                 (block $tEnd (loop $tLoop
                   (br_if $tEnd (i32.ge_u (local.get $k) (local.get $rowBytes)))
                   (f32.store (i32.add (local.get $acc) (local.get $k))
                     (f32.add (f32.load (i32.add (local.get $acc) (local.get $k)))
                       (f32.mul (f32.load (i32.add (local.get $src) (local.get $k)))
                                (f32.load (i32.add (local.get $dyp) (local.get $k))))))
                   (local.set $k (i32.add (local.get $k) (i32.const 4)))
                   (br $tLoop)))))
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

/** How a tile of conv filter-gradient accumulators spans output channels: f32x4 vectors, or one scalar. */
interface OutputSpan {
  readonly name: string;
  readonly vectors: number;
  readonly bytes: number;
}

const SPANS: readonly OutputSpan[] = [
  { name: 'v2', vectors: 2, bytes: 32 },
  { name: 'v1', vectors: 1, bytes: 16 },
  { name: 's1', vectors: 0, bytes: 4 },
];

/** One register tile: `rows` input channels by `span`, accumulated over one dy row's pixels. */
function filterTile(rows: number, span: OutputSpan): string {
  const scalar = span.vectors === 0;
  const parts = scalar ? [0] : Array.from({ length: span.vectors }, (_, o) => o);
  const acc = (i: number, o: number): string => (scalar ? `$f${i}` : `$a${i}${o}`);
  const rowAt = (i: number): string => `(i32.add (local.get $accp) (i32.mul (i32.const ${i}) (local.get $coutB)))`;
  const load = scalar ? 'f32.load' : 'v128.load';
  const add = scalar ? 'f32.add' : 'f32x4.add';
  const mul = scalar ? 'f32.mul' : 'f32x4.mul';
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) for (const o of parts) lines.push(`(local.set ${acc(i, o)} (${load} offset=${o * 16} ${rowAt(i)}))`);
  const label = `${rows}${span.name}`;
  lines.push(
    '(local.set $xp (i32.add (local.get $xrow) (i32.shl (local.get $i0) (i32.const 2))))',
    '(local.set $dp (i32.add (local.get $dyrow) (local.get $o0)))',
    '(local.set $ox (i32.const 0))',
    `(block $pixelsEnd${label} (loop $pixels${label}`,
    ` (br_if $pixelsEnd${label} (i32.ge_u (local.get $ox) (local.get $ow)))`,
  );
  for (const o of parts) lines.push(scalar ? ' (local.set $fd (f32.load (local.get $dp)))' : ` (local.set $d${o} (v128.load offset=${o * 16} (local.get $dp)))`);
  for (let i = 0; i < rows; i++) {
    lines.push(scalar ? ` (local.set $fx (f32.load offset=${i * 4} (local.get $xp)))` : ` (local.set $xv (v128.load32_splat offset=${i * 4} (local.get $xp)))`);
    for (const o of parts) {
      const product = scalar ? '(f32.mul (local.get $fx) (local.get $fd))' : `(${mul} (local.get $xv) (local.get $d${o}))`;
      lines.push(` (local.set ${acc(i, o)} (${add} (local.get ${acc(i, o)}) ${product}))`);
    }
  }
  lines.push(
    ' (local.set $xp (i32.add (local.get $xp) (local.get $xstep)))',
    ' (local.set $dp (i32.add (local.get $dp) (local.get $coutB)))',
    ' (local.set $ox (i32.add (local.get $ox) (i32.const 1)))',
    ` (br $pixels${label})))`,
  );
  const store = scalar ? 'f32.store' : 'v128.store';
  for (let i = 0; i < rows; i++) for (const o of parts) lines.push(`(${store} offset=${o * 16} ${rowAt(i)} (local.get ${acc(i, o)}))`);
  return lines.join('\n');
}

/** The tiles of `rows` input channels across every output channel: by eights, then fours, then ones. */
function filterTileRow(rows: number): string {
  return SPANS.map((span) => {
    const label = `${rows}${span.name}`;
    return `
(block $outEnd${label} (loop $out${label}
  (br_if $outEnd${label} (i32.gt_u (i32.add (local.get $o0) (i32.const ${span.bytes})) (local.get $coutB)))
  (local.set $accp (i32.add (local.get $taprow) (i32.add (i32.mul (local.get $i0) (local.get $coutB)) (local.get $o0))))
  ${filterTile(rows, span)}
  (local.set $o0 (i32.add (local.get $o0) (i32.const ${span.bytes})))
  (br $out${label})))`;
  }).join('\n');
}

const CONV_FILTER_TAPS = `
 (func (export "convFilterTaps")
  (param $x i32) (param $dy i32) (param $dw i32) (param $n i32) (param $hp i32) (param $wp i32) (param $cin i32)
  (param $oh i32) (param $ow i32) (param $cout i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
  (local $b i32) (local $oy i32) (local $r i32) (local $s i32) (local $i0 i32) (local $o0 i32) (local $ox i32)
  (local $xrow i32) (local $dyrow i32) (local $taprow i32) (local $accp i32) (local $xp i32) (local $dp i32)
  (local $coutB i32) (local $cinB i32) (local $xstep i32)
  (local $xv v128) (local $d0 v128) (local $d1 v128)
  ${[0, 1, 2, 3].flatMap((i) => [0, 1].map((o) => `(local $a${i}${o} v128)`)).join(' ')}
  (local $fx f32) (local $fd f32) (local $f0 f32) (local $f1 f32) (local $f2 f32) (local $f3 f32)
  (local.set $coutB (i32.shl (local.get $cout) (i32.const 2)))
  (local.set $cinB (i32.shl (local.get $cin) (i32.const 2)))
  (local.set $xstep (i32.mul (local.get $sw) (local.get $cinB)))
  (memory.fill (local.get $dw) (i32.const 0) (i32.mul (i32.mul (i32.mul (local.get $kh) (local.get $kw)) (local.get $cin)) (local.get $coutB)))
  (block $bEnd (loop $bLoop (br_if $bEnd (i32.ge_u (local.get $b) (local.get $n)))
   (local.set $oy (i32.const 0))
   (block $oyEnd (loop $oyLoop (br_if $oyEnd (i32.ge_u (local.get $oy) (local.get $oh)))
    (local.set $dyrow (i32.add (local.get $dy)
      (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $coutB))))
    (local.set $r (i32.const 0))
    (block $rEnd (loop $rLoop (br_if $rEnd (i32.ge_u (local.get $r) (local.get $kh)))
     (local.set $s (i32.const 0))
     (block $sEnd (loop $sLoop (br_if $sEnd (i32.ge_u (local.get $s) (local.get $kw)))
      (local.set $xrow (i32.add (local.get $x) (i32.mul (local.get $cinB)
        (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp)) (i32.add (i32.mul (local.get $oy) (local.get $sh)) (local.get $r)))
                          (local.get $wp))
                 (local.get $s)))))
      (local.set $taprow (i32.add (local.get $dw)
        (i32.mul (i32.mul (i32.add (i32.mul (local.get $r) (local.get $kw)) (local.get $s)) (local.get $cin)) (local.get $coutB))))
      (local.set $i0 (i32.const 0))
      (block $fourEnd (loop $four (br_if $fourEnd (i32.gt_u (i32.add (local.get $i0) (i32.const 4)) (local.get $cin)))
        (local.set $o0 (i32.const 0))
        ${filterTileRow(4)}
        (local.set $i0 (i32.add (local.get $i0) (i32.const 4)))
        (br $four)))
      (block $oneEnd (loop $one (br_if $oneEnd (i32.ge_u (local.get $i0) (local.get $cin)))
        (local.set $o0 (i32.const 0))
        ${filterTileRow(1)}
        (local.set $i0 (i32.add (local.get $i0) (i32.const 1)))
        (br $one)))
      (local.set $s (i32.add (local.get $s) (i32.const 1))) (br $sLoop)))
     (local.set $r (i32.add (local.get $r) (i32.const 1))) (br $rLoop)))
    (local.set $oy (i32.add (local.get $oy) (i32.const 1))) (br $oyLoop)))
   (local.set $b (i32.add (local.get $b) (i32.const 1))) (br $bLoop))))
`;

/** The module: both functions over the imported memory. */
export const SIMD_MODULE_TEXT = `(module\n (import "env" "memory" (memory 0))\n${DEPTHWISE_TAPS}\n${CONV_FILTER_TAPS})\n`;
