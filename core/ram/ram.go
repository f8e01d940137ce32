// Package ram is the fixed-point RAM unit every ramfarm engine accounts in.
//
// The game stores RAM as float64 GB, but every value it produces is a
// multiple of 0.01 GB: server RAM is a power of two, script RAM is rounded
// to two decimals (Math.round(x*100)/100) and a server's used RAM is rounded
// the same way after each exec and exit. Accounting in integer hundredths of
// a GB is therefore exact, where float sums would drift and, sooner or
// later, grant a chunk the game refuses.
package ram

import (
	"errors"
	"math"
	"strconv"
)

// Amount is an amount of RAM in hundredths of a GB (1 GB = 100).
type Amount int64

// GB is one gigabyte.
const GB Amount = 100

// Max is the largest Amount FromGB accepts: 2^40 GB, far above any RAM the
// game can hold (home tops out at 2^30 GB, a purchased server at 2^20 GB).
const Max Amount = 1 << 40 * GB

// Errors returned by FromGB.
var (
	ErrNotFinite = errors.New("ram: amount is not a finite number")
	ErrNegative  = errors.New("ram: amount is negative")
	ErrTooLarge  = errors.New("ram: amount is too large")
	ErrPrecision = errors.New("ram: amount is not a multiple of 0.01 GB")
)

// FromGB converts a GB value as the game reports it into an Amount. It
// rejects NaN, infinities, negative values, values above Max and values
// that are not within 1e-6 GB of a multiple of 0.01 GB (the game never
// produces one, so such a value is a malformed message, not a rounding
// question).
func FromGB(gb float64) (Amount, error) {
	switch {
	case math.IsNaN(gb) || math.IsInf(gb, 0):
		return 0, ErrNotFinite
	case gb < 0:
		return 0, ErrNegative
	case gb > Max.GB():
		return 0, ErrTooLarge
	}
	hundredths := math.Round(gb * 100)
	if math.Abs(hundredths-gb*100) > 1e-4 {
		return 0, ErrPrecision
	}
	return Amount(hundredths), nil
}

// MustGB is FromGB for constants in tests and tables; it panics on error.
func MustGB(gb float64) Amount {
	a, err := FromGB(gb)
	if err != nil {
		panic(err)
	}
	return a
}

// GB returns the amount as float64 GB, the unit the game's API uses.
func (a Amount) GB() float64 { return float64(a) / 100 }

// String formats the amount in GB with the fewest decimals needed
// ("4GB", "1.75GB", "-0.5GB").
func (a Amount) String() string {
	return strconv.FormatFloat(a.GB(), 'f', -1, 64) + "GB"
}

// Times returns a*n. Callers keep n small (a thread or chunk count).
func (a Amount) Times(n int) Amount { return a * Amount(n) }
