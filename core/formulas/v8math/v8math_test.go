package v8math

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The decimal constants must convert to exactly fdlibm's bit patterns.
func TestConstantBits(t *testing.T) {
	for _, c := range []struct {
		name string
		v    float64
		bits uint64
	}{
		{"expP1", expP1, 0x3FC555555555553E}, {"expP2", expP2, 0xBF66C16C16BEBD93},
		{"expP3", expP3, 0x3F11566AAF25DE2C}, {"expP4", expP4, 0xBEBBBD41C5D26BF1},
		{"expP5", expP5, 0x3E66376972BEA4D0}, {"ln2Hi", ln2Hi, 0x3FE62E42FEE00000},
		{"ln2Lo", ln2Lo, 0x3DEA39EF35793C76}, {"invLn2", invLn2, 0x3FF71547652B82FE},
		{"oThresh", oThresh, 0x40862E42FEFA39EF}, {"uThresh", uThresh, 0xC0874910D52D3051},
		{"twom1000", twom1000, 0x0170000000000000}, {"two1023", two1023, 0x7FE0000000000000},
		{"lg1", lg1, 0x3FE5555555555593}, {"lg2", lg2, 0x3FD999999997FA04},
		{"lg3", lg3, 0x3FD2492494229359}, {"lg4", lg4, 0x3FCC71C51D8E78AF},
		{"lg5", lg5, 0x3FC7466496CB03DE}, {"lg6", lg6, 0x3FC39A09D078C69F},
		{"lg7", lg7, 0x3FC2F112DF3E5244}, {"two54", two54, 0x4350000000000000},
		{"powDpH", powDpH, 0x3FE2B80340000000}, {"powDpL", powDpL, 0x3E4CFDEB43CFD006},
		{"powTwo53", powTwo53, 0x4340000000000000}, {"powL1", powL1, 0x3FE3333333333303},
		{"powL2", powL2, 0x3FDB6DB6DB6FABFF}, {"powL3", powL3, 0x3FD55555518F264D},
		{"powL4", powL4, 0x3FD17460A91D4101}, {"powL5", powL5, 0x3FCD864A93C9DB65},
		{"powL6", powL6, 0x3FCA7E284A454EEF}, {"powLg2", powLg2, 0x3FE62E42FEFA39EF},
		{"powLg2H", powLg2H, 0x3FE62E4300000000}, {"powLg2L", powLg2L, 0xBE205C610CA86C39},
		{"powOvt", powOvt, 0x3C971547652B82FE}, {"powCp", powCp, 0x3FEEC709DC3A03FD},
		{"powCpH", powCpH, 0x3FEEC709E0000000}, {"powCpL", powCpL, 0xBE3E2FE0145B01F5},
		{"powIvln2", powIvln2, 0x3FF71547652B82FE}, {"powIvH", powIvH, 0x3FF7154760000000},
		{"powIvL", powIvL, 0x3E54AE0BF85DDF44},
	} {
		if got := math.Float64bits(c.v); got != c.bits {
			t.Errorf("%s = %#016x, want %#016x", c.name, got, c.bits)
		}
	}
}

// sameJS reports whether two results are the same JavaScript number: equal
// bits, or both NaN (JavaScript has a single NaN).
func sameJS(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// TestReference checks Exp, Log and Pow against results computed by Node's
// V8 (testdata/v8_reference.txt, see gen_reference.js): special values,
// the overflow and underflow edges and random samples, bit for bit.
func TestReference(t *testing.T) {
	f, err := os.Open("testdata/v8_reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bits := func(s string) float64 {
		u, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			t.Fatalf("bad hex %q: %v", s, err)
		}
		return math.Float64frombits(u)
	}
	counts := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Fields(line)
		var got, want float64
		switch {
		case p[0] == "exp" && len(p) == 3:
			got, want = Exp(bits(p[1])), bits(p[2])
		case p[0] == "log" && len(p) == 3:
			got, want = Log(bits(p[1])), bits(p[2])
		case p[0] == "pow" && len(p) == 4:
			got, want = Pow(bits(p[1]), bits(p[2])), bits(p[3])
		default:
			t.Fatalf("bad line %q", line)
		}
		counts[p[0]]++
		if !sameJS(got, want) {
			t.Errorf("%s: got %v (%#016x), V8 gives %v (%#016x)", line, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"exp", "log", "pow"} {
		if counts[op] < 400 {
			t.Errorf("only %d %s cases in the reference file", counts[op], op)
		}
	}
	t.Logf("checked %v", counts)
}

// V8 returns the constant E for exp(1); the polynomial alone is one ulp off.
func TestExpOne(t *testing.T) {
	if Exp(1) != math.E {
		t.Fatalf("Exp(1) = %v, want math.E", Exp(1))
	}
}

var sink float64

func benchInputs() []float64 {
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = 0.001 + float64(i)*0.37
	}
	return xs
}

func BenchmarkExp(b *testing.B) {
	xs := benchInputs()
	for i := 0; i < b.N; i++ {
		sink += Exp(xs[i&1023] * 0.01)
	}
}

func BenchmarkMathExp(b *testing.B) {
	xs := benchInputs()
	for i := 0; i < b.N; i++ {
		sink += math.Exp(xs[i&1023] * 0.01)
	}
}

func BenchmarkLog(b *testing.B) {
	xs := benchInputs()
	for i := 0; i < b.N; i++ {
		sink += Log(xs[i&1023])
	}
}

func BenchmarkMathLog(b *testing.B) {
	xs := benchInputs()
	for i := 0; i < b.N; i++ {
		sink += math.Log(xs[i&1023])
	}
}

func BenchmarkPow(b *testing.B) {
	xs := benchInputs()
	for i := 0; i < b.N; i++ {
		sink += Pow(1.58, xs[i&1023]*0.1)
	}
}

func BenchmarkMathPow(b *testing.B) {
	xs := benchInputs()
	for i := 0; i < b.N; i++ {
		sink += math.Pow(1.58, xs[i&1023]*0.1)
	}
}
