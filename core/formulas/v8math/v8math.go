// Package v8math computes Math.exp, Math.log and Math.pow exactly as V8
// (Chrome, Electron, Node) does, so that Go reproduces the game's numbers
// to the last bit. Go's math.Exp, math.Log and math.Pow round differently
// in roughly 10%, 1.5% and 60% of inputs, enough to change an integer
// grow-thread count (see FACTS.md §12) or a price.
//
// All three are ports of fdlibm's published algorithms (e_exp.c, e_log.c,
// e_pow.c) with V8's deviations, written from their description and
// coefficients, and checked against Node's V8 (testdata). Every product that
// feeds a sum is wrapped in float64() so that no Go back end (arm64,
// ppc64, s390x, riscv64, loong64, amd64 with GOAMD64=v3) fuses it into an
// FMA, which would round once instead of twice and break the match.
//
// Math.log1p needs no port: Go's math.Log1p already matches V8.
package v8math

import "math"

// fdlibm e_exp.c constants. Each decimal converts to exactly the bit
// pattern in its comment (checked by a test).
const (
	expP1 = 1.66666666666666019037e-01  // 0x3FC555555555553E: V8's P1 (Go's math uses …5555)
	expP2 = -2.77777777770155933842e-03 // 0xBF66C16C16BEBD93
	expP3 = 6.61375632143793436117e-05  // 0x3F11566AAF25DE2C
	expP4 = -1.65339022054652515390e-06 // 0xBEBBBD41C5D26BF1
	expP5 = 4.13813679705723846039e-08  // 0x3E66376972BEA4D0

	ln2Hi    = 6.93147180369123816490e-01  // 0x3FE62E42FEE00000
	ln2Lo    = 1.90821492927058770002e-10  // 0x3DEA39EF35793C76
	invLn2   = 1.44269504088896338700e+00  // 0x3FF71547652B82FE
	oThresh  = 7.09782712893383973096e+02  // 0x40862E42FEFA39EF: exp overflows above
	uThresh  = -7.45133219101941108420e+02 // 0xC0874910D52D3051: exp underflows below
	twom1000 = 9.33263618503218878990e-302 // 0x0170000000000000: 2^-1000
	two1023  = 8.98846567431157953865e+307 // 0x7FE0000000000000: 2^1023
)

// fdlibm e_log.c constants.
const (
	lg1   = 6.666666666666735130e-01   // 0x3FE5555555555593
	lg2   = 3.999999999940941908e-01   // 0x3FD999999997FA04
	lg3   = 2.857142874366239149e-01   // 0x3FD2492494229359
	lg4   = 2.222219843214978396e-01   // 0x3FCC71C51D8E78AF
	lg5   = 1.818357216161805012e-01   // 0x3FC7466496CB03DE
	lg6   = 1.531383769920937332e-01   // 0x3FC39A09D078C69F
	lg7   = 1.479819860511658591e-01   // 0x3FC2F112DF3E5244
	two54 = 1.80143985094819840000e+16 // 0x4350000000000000: 2^54
)

func hiWord(x float64) uint32 { return uint32(math.Float64bits(x) >> 32) }
func loWord(x float64) uint32 { return uint32(math.Float64bits(x)) }

// Exp returns e**x as V8's Math.exp does: fdlibm's e_exp.c with V8's P1
// coefficient, and exp(1) returning exactly math.E (V8 special-cases it
// because the polynomial gets its last bit wrong).
//
// Algorithm: reduce x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in a high
// part whose product with k is exact and a low part), approximate e^r by a
// degree-5 rational (Remez) form, then scale by 2^k.
func Exp(x float64) float64 {
	hx := hiWord(x)
	xsb := int(hx >> 31) // sign bit
	hx &= 0x7fffffff     // high word of |x|

	// Non-finite, overflow and underflow arguments.
	if hx >= 0x40862E42 { // |x| >= 709.78...
		if hx >= 0x7ff00000 {
			if (hx&0xfffff)|loWord(x) != 0 {
				return x + x // NaN
			}
			if xsb == 0 {
				return x // exp(+Inf) = +Inf
			}
			return 0 // exp(-Inf) = 0
		}
		if x > oThresh {
			return math.Inf(1)
		}
		if x < uThresh {
			return 0
		}
	}

	var hi, lo float64
	k := 0
	switch {
	case hx > 0x3FD62E42: // |x| > 0.5·ln2: reduce
		if hx < 0x3FF0A2B2 { // and |x| < 1.5·ln2: k = ±1
			if x == 1 {
				return math.E
			}
			if xsb == 0 {
				hi, lo, k = x-ln2Hi, ln2Lo, 1
			} else {
				hi, lo, k = x+ln2Hi, -ln2Lo, -1
			}
		} else {
			half := 0.5
			if xsb != 0 {
				half = -0.5
			}
			k = int(float64(invLn2*x) + half) // truncates toward zero, as C's (int)
			t := float64(k)
			hi = x - float64(t*ln2Hi) // exact: ln2Hi has 21 trailing zero bits
			lo = float64(t * ln2Lo)
		}
		x = hi - lo
	case hx < 0x3E300000: // |x| < 2^-28: e^x rounds to 1+x
		return 1 + x
	}

	// x is now in [-ln2/2, ln2/2].
	t := x * x
	var twopk float64
	if k >= -1021 {
		twopk = math.Float64frombits(uint64(0x3ff00000+k<<20) << 32)
	} else {
		twopk = math.Float64frombits(uint64(0x3ff00000+(k+1000)<<20) << 32)
	}
	p := float64(t*expP5) + expP4
	p = float64(t*p) + expP3
	p = float64(t*p) + expP2
	p = float64(t*p) + expP1
	c := x - float64(t*p)
	if k == 0 {
		return 1 - (float64(x*c)/(c-2) - x)
	}
	y := 1 - ((lo - float64(x*c)/(2-c)) - hi)
	if k >= -1021 {
		if k == 1024 {
			return y * 2 * two1023
		}
		return y * twopk
	}
	return y * twopk * twom1000
}

// Log returns the natural logarithm of x as V8's Math.log does: plain
// fdlibm e_log.c.
//
// Algorithm: write x = 2^k·(1+f) with √2/2 < 1+f < √2, then
// log(1+f) = f − f²/2 + s·(f²/2 + R(s²)) with s = f/(2+f) and R a degree-7
// (Remez) polynomial in s², and add k·ln2 split in a high and a low part.
func Log(x float64) float64 {
	hx := int32(hiWord(x))
	lx := loWord(x)

	k := int32(0)
	if hx < 0x00100000 { // x < 2^-1022: zero, negative or subnormal
		if (hx&0x7fffffff)|int32(lx) == 0 {
			return math.Inf(-1) // log(±0) = -Inf
		}
		if hx < 0 {
			return math.NaN() // log(negative) = NaN
		}
		k -= 54
		x *= two54 // scale a subnormal up
		hx = int32(hiWord(x))
	}
	if hx >= 0x7ff00000 {
		return x + x // +Inf or NaN
	}
	k += hx>>20 - 1023
	hx &= 0x000fffff
	i := (hx + 0x95f64) & 0x100000
	// Normalize x, or x/2 when its mantissa is above √2.
	x = math.Float64frombits(uint64(uint32(hx|(i^0x3ff00000)))<<32 | uint64(loWord(x)))
	k += i >> 20
	f := x - 1
	dk := float64(k)

	if 0x000fffff&(2+hx) < 3 { // |f| < 2^-20
		if f == 0 {
			if k == 0 {
				return 0
			}
			return float64(dk*ln2Hi) + float64(dk*ln2Lo)
		}
		r := float64(float64(f*f) * (0.5 - float64(0.33333333333333333*f)))
		if k == 0 {
			return f - r
		}
		return float64(dk*ln2Hi) - ((r - float64(dk*ln2Lo)) - f)
	}

	s := f / (2 + f)
	z := s * s
	i = hx - 0x6147a
	w := z * z
	j := 0x6b851 - hx
	t1 := float64(w*lg6) + lg4
	t1 = float64(w*t1) + lg2
	t1 = float64(w * t1)
	t2 := float64(w*lg7) + lg5
	t2 = float64(w*t2) + lg3
	t2 = float64(w*t2) + lg1
	t2 = float64(z * t2)
	i |= j
	r := t2 + t1
	if i > 0 {
		hfsq := float64(float64(0.5*f) * f)
		if k == 0 {
			return f - (hfsq - float64(s*(hfsq+r)))
		}
		return float64(dk*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(dk*ln2Lo))) - f)
	}
	if k == 0 {
		return f - float64(s*(f-r))
	}
	return float64(dk*ln2Hi) - ((float64(s*(f-r)) - float64(dk*ln2Lo)) - f)
}
