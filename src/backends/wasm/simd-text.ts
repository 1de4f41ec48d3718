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
 */
export const SIMD_MODULE_TEXT = `
(module
 (import "env" "memory" (memory 0))
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
)
`;
