package world

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"ramfarm/core/formulas/v8math"
	"ramfarm/harness/world/jsval"
)

// Limits of bought RAM (Server/data/Constants.ts) in BitNode 1; a
// World's own, in its BitNode, are its methods (bitnode.go).
const (
	PurchasedServerLimit  = 25
	PurchasedServerMaxRAM = 1 << 20 // GB
	HomeMaxRAM            = 1 << 30 // GB
	HomeMaxCores          = 8
	serverCostPerGB       = 55000 // $, BaseCostFor1GBOfRamServer
	homeCostPerGB         = 32000 // $, BaseCostFor1GBOfRamHome
)

// PurchaseServerCost is the game's getPurchaseServerCost: the RAM is
// rounded, and a result that is not a positive power of 2 up to
// PurchasedServerMaxRAM costs +Inf. BitNode 1's cost multiplier and
// softcap are both 1, so the game's r·55000·1·1^k is exactly r·55000.
func PurchaseServerCost(ram float64) float64 {
	r := jsval.Round(ram)
	if math.IsNaN(r) || !isPowerOfTwo(r) || !(r > 0) || r > PurchasedServerMaxRAM {
		return math.Inf(1)
	}
	return r * serverCostPerGB
}

// PurchaseServer is ns.purchaseServer. All white space is removed from
// name; a taken name gets the game's -0, -1, … suffix, and the name used
// is returned. The server stores ram as given while its cost uses the
// rounded RAM, so 8.4 GB costs as 8 and holds 8.4, as in the game. A
// refused purchase returns "" and a *Refusal with the text the game logs.
func (w *World) PurchaseServer(name string, ram float64) (string, error) {
	home := w.Home()
	if home == nil {
		return "", ErrNoHome
	}
	host := stripJSSpace(name, 1)
	if host == "" {
		return "", &Refusal{ErrBadHostname, "Invalid argument: hostname='" + host + "'"}
	}
	if reservedHostname(host) {
		return "", &Refusal{ErrBadHostname, "Invalid argument: hostname='" + host + "' is a reserved hostname."}
	}
	if len(w.purchased) >= w.PurchasedServerLimit() {
		return "", &Refusal{ErrServerLimit, "You have reached the maximum limit of " +
			strconv.Itoa(w.PurchasedServerLimit()) + " servers. You cannot purchase any more."}
	}
	cost := w.PurchaseServerCostOf(ram)
	if math.IsInf(cost, 1) {
		if ram > w.PurchasedServerMaxRAM() {
			return "", &Refusal{ErrPurchaseRAM, "Invalid argument: ram='" + jsval.Format(ram) +
				"' must not be greater than getPurchaseServerMaxRam"}
		}
		return "", &Refusal{ErrPurchaseRAM, "Invalid argument: ram='" + jsval.Format(ram) + "' must be a positive power of 2"}
	}
	if w.player.money < cost {
		return "", &Refusal{ErrMoney, "Not enough money to purchase server. Need " + w.formatMoney(cost)}
	}
	host, err := w.freeHostname(host)
	if err != nil {
		return "", err
	}
	s := NewServer(ServerParams{Hostname: host, MaxRAM: ram, AdminRights: true, PurchasedByPlayer: true, NumOpenPortsRequired: 5})
	s.Links = []string{HomeHost}
	if err := w.AddServer(s); err != nil {
		return "", err
	}
	w.purchased = append(w.purchased, host)
	w.player.LoseMoney(cost)
	return host, nil
}

// freeHostname is safelyCreateUniqueServer's naming: a taken name gets
// "-0" (unless it already ends so), then its trailing -N counts up from 0
// until a name is free, trying 200 at most.
func (w *World) freeHostname(host string) (string, error) {
	if w.servers[host] == nil {
		return host, nil
	}
	if !strings.HasSuffix(host, "-0") {
		host += "-0"
	}
	for i := 0; i < 200; i++ {
		host = replaceTrailingNumber(host, i)
		if w.servers[host] == nil {
			return host, nil
		}
	}
	// The game goes on to construct a duplicate, which AddToAllServers
	// rejects with this error.
	return "", &jsval.Error{Kind: ErrHostnameUsed, Msg: "Error: Trying to add a server with an existing IP"}
}

// replaceTrailingNumber is host.replace(/-[0-9]+$/, "-"+n).
func replaceTrailingNumber(host string, n int) string {
	i := len(host)
	for i > 0 && host[i-1] >= '0' && host[i-1] <= '9' {
		i--
	}
	if i == len(host) || i == 0 || host[i-1] != '-' {
		return host
	}
	return host[:i] + strconv.Itoa(n)
}

func reservedHostname(host string) bool {
	return strings.HasPrefix(host, "hacknet-node-") || strings.HasPrefix(host, "hacknet-server-")
}

// PurchasedServers is ns.getPurchasedServers: hostnames in purchase order.
func (w *World) PurchasedServers() []string { return slices.Clone(w.purchased) }

func (w *World) isPurchased(host string) bool { return slices.Contains(w.purchased, host) }

// PurchasedServerUpgradeCost is ns.getPurchasedServerUpgradeCost: the
// cost of the new RAM minus that of the current RAM. A refusal returns -1,
// the game's failure value. Like the game it checks ram with JS's 32-bit
// power-of-2 test and does not round it.
func (w *World) PurchasedServerUpgradeCost(host string, ram float64) (float64, error) {
	s := w.servers[host]
	if s == nil {
		return -1, &Refusal{ErrNoSuchServer, "Error: Server '" + host + "' not found."}
	}
	if !w.isPurchased(host) {
		return -1, &Refusal{ErrNotPurchased, "Error: Server '" + host + "' not a purchased server."}
	}
	if math.IsNaN(ram) || !isPowerOfTwo(ram) || !(ram > 0) {
		return -1, &Refusal{ErrPurchaseRAM, "Error: " + jsval.Format(ram) + " is not a positive power of 2"}
	}
	if s.MaxRAM >= ram {
		return -1, &Refusal{ErrRAMNotBigger, "Error: '" + host + "' current ram (" + jsval.Format(s.MaxRAM) +
			") is not bigger than new ram (" + jsval.Format(ram) + ")"}
	}
	return w.PurchaseServerCostOf(ram) - w.PurchaseServerCostOf(s.MaxRAM), nil
}

// UpgradePurchasedServer is ns.upgradePurchasedServer: it pays the cost
// difference and sets the new RAM. As in the game (ServerPurchases.ts),
// the server's scripts keep running and keep their RAM.
func (w *World) UpgradePurchasedServer(host string, ram float64) error {
	if w.servers[host] == nil {
		return &Refusal{ErrNoSuchServer, "Error: Server '" + host + "' not found."}
	}
	cost, err := w.PurchasedServerUpgradeCost(host, ram)
	if err != nil {
		return err
	}
	if !w.player.CanAfford(cost) {
		return &Refusal{ErrMoney, "Error: You don't have enough money to upgrade '" + host + "'."}
	}
	w.player.LoseMoney(cost)
	w.servers[host].MaxRAM = ram
	return nil
}

// DeleteServer is ns.deleteServer called by a script on caller ("" for
// none). As in the game only runs of two or more white-space characters
// are removed from name. A server with running scripts, home, a server
// not bought and the caller's own server are refused. The deleted server
// leaves the purchase list and every neighbour's links.
func (w *World) DeleteServer(name, caller string) error {
	host := stripJSSpace(name, 2)
	s := w.servers[host]
	if s == nil {
		return &Refusal{ErrNoSuchServer, "Invalid argument: hostname='" + host + "'"}
	}
	if !s.Purchased || host == HomeHost {
		return &Refusal{ErrNotPurchased, "Cannot delete non-purchased server."}
	}
	if host == caller {
		return &Refusal{ErrDeleteSelf, "Cannot delete the server this script is running on."}
	}
	if len(s.groups) > 0 {
		return &Refusal{ErrDeleteRunning, "Cannot delete server '" + host + "' because it still has scripts running."}
	}
	i := slices.Index(w.purchased, host)
	if i < 0 {
		return &Refusal{ErrNotPurchased, "Could not identify server " + host +
			" as a purchased server. This is a bug. Report to dev."}
	}
	w.purchased = slices.Delete(w.purchased, i, i+1)
	for _, l := range s.Links {
		if n := w.servers[l]; n != nil {
			n.Links = slices.DeleteFunc(n.Links, func(h string) bool { return h == host })
		}
	}
	delete(w.servers, host)
	w.order = slices.DeleteFunc(w.order, func(o *Server) bool { return o == s })
	return nil
}

// HomeRAMCost is Player.getUpgradeHomeRamCost for home with ram GB: a
// doubling costs ram·32000·1.58^log2(ram), with V8's pow.
func HomeRAMCost(ram float64) float64 {
	return ram * homeCostPerGB * v8math.Pow(1.58, math.Log2(ram))
}

// HomeCoresCost is Player.getUpgradeHomeCoresCost for home with cores
// cores: the next one costs 1e9·7.5^cores.
func HomeCoresCost(cores int) float64 { return 1e9 * v8math.Pow(7.5, float64(cores)) }

// HomeRAMUpgradeCost is what doubling home's RAM costs now.
func (w *World) HomeRAMUpgradeCost() (float64, error) {
	h := w.Home()
	if h == nil {
		return 0, ErrNoHome
	}
	return w.HomeRAMCostOf(h.MaxRAM), nil
}

// HomeCoresUpgradeCost is what home's next core costs now.
func (w *World) HomeCoresUpgradeCost() (float64, error) {
	h := w.Home()
	if h == nil {
		return 0, ErrNoHome
	}
	return HomeCoresCost(h.Cores), nil
}

// UpgradeHomeRAM doubles home's RAM and pays for it, as the game's
// upgradeHomeRam does. Running scripts keep running.
func (w *World) UpgradeHomeRAM() error {
	cost, err := w.HomeRAMUpgradeCost()
	if err != nil {
		return err
	}
	h := w.Home()
	if h.MaxRAM >= HomeMaxRAM {
		return &Refusal{ErrHomeMaxed, "Your home computer is at max RAM."}
	}
	if w.player.money < cost {
		return &Refusal{ErrMoney, "You don't have enough money. Need " + w.formatMoney(cost)}
	}
	h.MaxRAM *= 2
	w.player.LoseMoney(cost)
	return nil
}

// UpgradeHomeCores adds one core to home and pays for it, as the game's
// upgradeHomeCores does.
func (w *World) UpgradeHomeCores() error {
	cost, err := w.HomeCoresUpgradeCost()
	if err != nil {
		return err
	}
	h := w.Home()
	if h.Cores >= HomeMaxCores {
		return &Refusal{ErrHomeMaxed, "Your home computer is at max cores."}
	}
	if w.player.money < cost {
		return &Refusal{ErrMoney, "You don't have enough money. Need " + w.formatMoney(cost)}
	}
	h.Cores++
	w.player.LoseMoney(cost)
	return nil
}

func (w *World) formatMoney(x float64) string {
	if w.cfg.FormatMoney != nil {
		return w.cfg.FormatMoney(x)
	}
	return "$" + jsval.Format(x)
}

// isPowerOfTwo is the game's isPowerOfTwo, n & (n-1) === 0 on JS's 32-bit
// integers: fractions are truncated and large numbers wrap, so 8.4 and
// 2^32 pass.
func isPowerOfTwo(n float64) bool {
	if math.IsNaN(n) || n == 0 {
		return false
	}
	return toInt32(n)&toInt32(n-1) == 0
}

// toInt32 is JS ToInt32: truncate, wrap modulo 2^32, then sign.
func toInt32(x float64) int32 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	m := math.Mod(math.Trunc(x), 1<<32)
	if m < 0 {
		m += 1 << 32
	}
	return int32(uint32(m))
}

// stripJSSpace removes every run of at least minRun characters that JS's
// \s matches: hostnames are cleaned with /\s+/g when bought and /\s\s+/g
// when deleted.
func stripJSSpace(s string, minRun int) string {
	var b strings.Builder
	run := []rune{}
	flush := func() {
		if len(run) < minRun {
			b.WriteString(string(run))
		}
		run = run[:0]
	}
	for _, r := range s {
		if isJSSpace(r) {
			run = append(run, r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

// isJSSpace is JS's \s: Unicode white space and U+FEFF, but not U+0085.
func isJSSpace(r rune) bool {
	return r == '\uFEFF' || (r != '\u0085' && unicode.IsSpace(r))
}
