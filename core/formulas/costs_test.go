package formulas

import (
	"math"
	"testing"
)

// Expected values below were computed by Node 20 (V8) with the game's
// expressions, e.g. ram*32000*Math.pow(1.58, Math.log2(ram)); they pin the
// V8-equivalent Pow, which Go's math.Pow misses on most of these.

func TestHomeRamUpgradeCost(t *testing.T) {
	for _, c := range []struct{ ram, want float64 }{
		{1, 32000}, {2, 101120}, {4, 319539.20000000007}, {8, 1009743.8720000001},
		{16, 3190790.6355200005}, {32, 10082898.408243202}, {64, 31861958.97004852},
		{128, 100683790.34535334}, {256, 318160777.49131656}, {512, 1005388056.8725603},
		{1024, 3177026259.717291}, {2048, 10039402980.70664}, {4096, 31724513419.032978},
		{8192, 100249462404.14423}, {16384, 316788301197.09576}, {32768, 1001051031782.8226},
		{65536, 3163321260433.7197}, {131072, 9996095182970.555}, {262144, 31587660778186.953},
		{524288, 99817008059070.77}, {1048576, 315421745466663.7}, {2097152, 996732715674657.2},
		{4194304, 3149675381531917}, {8388608, 9952974205640860}, {16777216, 31451398489825110},
		{33554432, 99386419227847380}, {67108864, 314061084759997700}, {134217728, 992433027841592700},
		{268435456, 3136088367979433000}, {536870912, 9910039242815010000}, {1073741824, 31315724007295430000},
	} {
		if got := HomeRamUpgradeCost(c.ram, BN1()); got != c.want {
			t.Errorf("HomeRamUpgradeCost(%v) = %v, want %v", c.ram, got, c.want)
		}
	}
}

func TestHomeCoreUpgradeCost(t *testing.T) {
	for _, c := range []struct{ cores, want float64 }{
		{1, 7500000000}, {2, 56250000000}, {3, 421875000000}, {4, 3164062500000},
		{5, 23730468750000}, {6, 177978515625000}, {7, 1334838867187500}, {8, 10011291503906250},
	} {
		if got := HomeCoreUpgradeCost(c.cores); got != c.want {
			t.Errorf("HomeCoreUpgradeCost(%v) = %v, want %v", c.cores, got, c.want)
		}
	}
}

func TestIntelligenceBonus(t *testing.T) {
	for _, c := range []struct{ intelligence, want float64 }{
		{0, 1}, {1, 1.0016666666666667}, {2.5, 1.0034689716975078}, {7, 1.007905460656339},
		{10, 1.0105159557413366}, {50, 1.0381087543272771}, {123, 1.0783019970722267}, {1000, 1.41864773858493},
	} {
		if got := IntelligenceBonus(c.intelligence, 1); got != c.want {
			t.Errorf("IntelligenceBonus(%v, 1) = %v, want %v", c.intelligence, got, c.want)
		}
	}
}

func TestPurchasedServerLimits(t *testing.T) {
	if got := PurchasedServerMaxRamFor(BN1()); got != 1<<20 {
		t.Errorf("max RAM = %v, want 2^20", got)
	}
	bn := BN1()
	bn.PurchasedServerMaxRam = 0.7 // 734003.2 GB rounds down to 2^19
	if got := PurchasedServerMaxRamFor(bn); got != 1<<19 {
		t.Errorf("max RAM with mult 0.7 = %v, want 2^19", got)
	}
	if got := PurchasedServerLimitFor(BN1()); got != 25 {
		t.Errorf("limit = %v, want 25", got)
	}
}

// jsRound must round halves up like Math.round, not away from zero.
func TestJSRound(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{0.5, 1}, {2.5, 3}, {-2.5, -2}, {-0.4, 0}, {0.49999999999999994, 0}, {7.6, 8}, {8.4, 8},
	} {
		if got := jsRound(c.x); got != c.want {
			t.Errorf("jsRound(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := jsRound(math.NaN()); !math.IsNaN(got) {
		t.Errorf("jsRound(NaN) = %v", got)
	}
}

func TestRandomIntSwapsBounds(t *testing.T) {
	if got := RandomInt(9, 5, 0); got != 5 {
		t.Errorf("RandomInt(9, 5, 0) = %d, want 5", got)
	}
}

// A percent of 0 makes ⌈1/p⌉ infinite, so every thread counts.
func TestHackSecurityZeroPercent(t *testing.T) {
	fortify, seven, cap := ServerFortifyAmount, 7.0, 243.0 // variables: float64 products, not exact constants
	if got := HackSecurity(7, 0); got != fortify*seven {
		t.Errorf("HackSecurity(7, 0) = %v", got)
	}
	if got := HackSecurity(1000, 0.004125); got != fortify*cap {
		t.Errorf("HackSecurity(1000, 0.004125) = %v, want 0.002·243", got)
	}
}

var benchSink float64

// BenchmarkGrowThreads measures the Newton solver on a typical batch grow:
// joesguns from 25% to full at min security.
func BenchmarkGrowThreads(b *testing.B) {
	s := Server{HackDifficulty: 5, MinDifficulty: 5, MoneyMax: 62500000, ServerGrowth: 20, HasAdminRights: true}
	p, bn := NewPlayer(100), BN1()
	for i := 0; i < b.N; i++ {
		benchSink += GrowThreads(s, s.MoneyMax, 15625000+float64(i&1023), p, 1, bn)
	}
}

// BenchmarkGrowThreadsEmpty grows an empty server, where the $1 per thread
// term dominates and the solver iterates most.
func BenchmarkGrowThreadsEmpty(b *testing.B) {
	s := Server{HackDifficulty: 33, MinDifficulty: 33, MoneyMax: 1250000000000, ServerGrowth: 99, HasAdminRights: true}
	p, bn := NewPlayer(100), BN1()
	for i := 0; i < b.N; i++ {
		benchSink += GrowThreads(s, s.MoneyMax, float64(i&1023), p, 4, bn)
	}
}
