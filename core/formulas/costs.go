package formulas

import (
	"math"
	"math/bits"

	"ramfarm/core/formulas/v8math"
)

// jsRound is JavaScript's Math.round: halves round up (towards +Inf),
// unlike Go's math.Round.
func jsRound(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r := math.Floor(x)
	if x-r >= 0.5 {
		r++
	}
	return r
}

// toInt32 is JavaScript's ToInt32, applied by its bitwise operators.
func toInt32(x float64) int32 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return int32(uint32(int64(math.Mod(math.Trunc(x), 1<<32))))
}

// PurchasedServerLimitFor is getPurchaseServerLimit: round(25 · BN mult).
func PurchasedServerLimitFor(bn BitNode) float64 {
	return jsRound(float64(PurchasedServerLimit * bn.PurchasedServerLimit))
}

// PurchasedServerMaxRamFor is getPurchaseServerMaxRam: 2^20 GB times the
// BN multiplier, rounded down to a power of two (with JavaScript's 32-bit
// shift, as the game does).
func PurchasedServerMaxRamFor(bn BitNode) float64 {
	ram := jsRound(float64(PurchasedServerMaxRam * bn.PurchasedServerMaxRam))
	shift := uint(31-bits.LeadingZeros32(uint32(toInt32(ram)))) & 31
	return float64(int32(1) << shift)
}

// PurchasedServerCost is getPurchaseServerCost (ns.getPurchasedServerCost):
// the price of a purchased server with ram GB, +Inf when ram, rounded, is
// not a positive power of two or exceeds the maximum. In BN1 it is
// 55000 $/GB.
func PurchasedServerCost(ram float64, bn BitNode) float64 {
	r := jsRound(ram)
	if math.IsNaN(r) || !isPowerOfTwo(r) || !(r > 0) {
		return math.Inf(1)
	}
	if r > PurchasedServerMaxRamFor(bn) {
		return math.Inf(1)
	}
	upg := math.Max(0, v8math.Log(r)/v8math.Log(2)-6) // the first 64 GB are not softcapped
	return r * BaseCostFor1GBOfRamServer * bn.PurchasedServerCost * v8math.Pow(bn.PurchasedServerSoftcap, upg)
}

// isPowerOfTwo is the game's utils/helpers/isPowerOfTwo, which tests
// n & (n−1) on 32-bit integers.
func isPowerOfTwo(n float64) bool {
	if n != n || n == 0 {
		return false
	}
	return toInt32(n)&toInt32(n-1) == 0
}

// HomeRamUpgradeCost is getUpgradeHomeRamCost: the price of doubling home
// RAM from currentRam GB, currentRam·32000·1.58^log2(currentRam)·BN mult.
func HomeRamUpgradeCost(currentRam float64, bn BitNode) float64 {
	mult := v8math.Pow(1.58, math.Log2(currentRam)) // Log2 is exact on the powers of two home RAM takes
	return currentRam * BaseCostFor1GBOfRamHome * mult * bn.HomeComputerRamCost
}

// HomeCoreUpgradeCost is getUpgradeHomeCoresCost: the price of the next
// home core when home has cores cores, 1e9·7.5^cores.
func HomeCoreUpgradeCost(cores float64) float64 {
	return 1e9 * v8math.Pow(7.5, cores)
}

// RandomInt is getRandomInt with Math.random() returning r: a uniform
// integer in [min(lo, hi), max(lo, hi)], as the game draws server values.
func RandomInt(lo, hi int, r float64) int {
	lower, upper := min(lo, hi), max(lo, hi)
	return int(math.Floor(float64(r*float64(upper-lower+1)))) + lower
}
