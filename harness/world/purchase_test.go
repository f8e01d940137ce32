package world

import (
	"errors"
	"math"
	"slices"
	"testing"

	"ramfarm/core/formulas/v8math"
)

// wantRefusal checks that err is a logged refusal with the given text.
func wantRefusal(t *testing.T, what string, err, kind error, msg string) {
	t.Helper()
	var r *Refusal
	if !errors.As(err, &r) || r.Msg != msg || !errors.Is(err, kind) {
		t.Errorf("%s: error %v, want refusal %q", what, err, msg)
	}
}

func TestPurchaseServerCost_vector(t *testing.T) {
	for _, c := range readCases(t, "purchased_server_cost.json") {
		ram := float64(c.In["ram"])
		if got := PurchaseServerCost(ram); got != float64(c.Out) {
			t.Errorf("cost(%v) = %v, want %v", ram, got, c.Out)
		}
	}
}

func TestIsPowerOfTwo(t *testing.T) {
	tests := map[float64]bool{
		1: true, 2: true, 8: true, 1 << 20: true, 1 << 31: true,
		8.4: true, 8.9: true, // truncated to 8, as JS's & does
		1 << 32: true, // wraps to 0, and 0 & -1 is 0
		0:       false, 3: false, 6: false, 1000: false, -8: false, math.NaN(): false,
		(1 << 32) + 3: false,
	}
	for n, want := range tests {
		if got := isPowerOfTwo(n); got != want {
			t.Errorf("isPowerOfTwo(%v) = %v, want %v", n, got, want)
		}
	}
	for x, want := range map[float64]int32{
		0: 0, 1.9: 1, -1.9: -1, 1 << 31: math.MinInt32, 1 << 32: 0, -(1 << 32) - 5: -5, math.Inf(1): 0, math.NaN(): 0,
	} {
		if got := toInt32(x); got != want {
			t.Errorf("toInt32(%v) = %d, want %d", x, got, want)
		}
	}
}

func TestStripJSSpace(t *testing.T) {
	tests := []struct {
		in     string
		minRun int
		want   string
	}{
		{" my server\t", 1, "myserver"},
		{"a\u00a0b\ufeffc\u3000d", 1, "abcd"},
		{"a\u0085b", 1, "a\u0085b"}, // NEL is not JS white space
		{"a b  c\t\n d", 2, "a bcd"},
		{"plain", 2, "plain"},
		{"   ", 1, ""},
	}
	for _, tt := range tests {
		if got := stripJSSpace(tt.in, tt.minRun); got != tt.want {
			t.Errorf("stripJSSpace(%q, %d) = %q, want %q", tt.in, tt.minRun, got, tt.want)
		}
	}
}

func TestReplaceTrailingNumber(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"p-0", 3, "p-3"},
		{"p-12", 4, "p-4"},
		{"a-1-0", 2, "a-1-2"},
		{"-7", 1, "-1"},
		{"p0", 1, "p0"},
		{"p", 1, "p"},
	}
	for _, tt := range tests {
		if got := replaceTrailingNumber(tt.in, tt.n); got != tt.want {
			t.Errorf("replaceTrailingNumber(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestWorld_PurchaseServer(t *testing.T) {
	w := newGame(t)
	w.Player().GainMoney(1e9)
	start := w.Player().Money()
	buys := []struct {
		name    string
		ram     float64
		want    string
		kind    error
		msg     string
		wantRAM float64
	}{
		{"p", 8, "p", nil, "", 8},
		{"p", 8, "p-0", nil, "", 8},
		{"p", 8, "p-1", nil, "", 8},
		{"p-0", 16, "p-2", nil, "", 16},
		{"p-5", 2, "p-5", nil, "", 2},
		{"p-5", 2, "p-5-0", nil, "", 2},
		{" q\t r ", 8.4, "qr", nil, "", 8.4}, // costs 8 GB, holds 8.4
		{"t0", 4, "t0-0", nil, "", 4},
		{"dark", 4, "dark-0", nil, "", 4}, // unlinked servers still take the name
		{" ", 8, "", ErrBadHostname, "Invalid argument: hostname=''", 0},
		{"hacknet-node-1", 8, "", ErrBadHostname, "Invalid argument: hostname='hacknet-node-1' is a reserved hostname.", 0},
		{"hacknet-server-x", 8, "", ErrBadHostname, "Invalid argument: hostname='hacknet-server-x' is a reserved hostname.", 0},
		{"x", 6, "", ErrPurchaseRAM, "Invalid argument: ram='6' must be a positive power of 2", 0},
		{"x", 0, "", ErrPurchaseRAM, "Invalid argument: ram='0' must be a positive power of 2", 0},
		{"x", math.NaN(), "", ErrPurchaseRAM, "Invalid argument: ram='NaN' must be a positive power of 2", 0},
		{"x", 1 << 21, "", ErrPurchaseRAM, "Invalid argument: ram='2097152' must not be greater than getPurchaseServerMaxRam", 0},
		{"x", 1 << 20, "", ErrMoney, "Not enough money to purchase server. Need $57671680000", 0},
	}
	spent := 0.0
	var bought []string
	for _, b := range buys {
		before := w.Player().Money()
		got, err := w.PurchaseServer(b.name, b.ram)
		if b.kind != nil {
			wantRefusal(t, "buy "+b.name, err, b.kind, b.msg)
			if got != "" || w.Player().Money() != before {
				t.Errorf("refused buy of %q returned %q or took money", b.name, got)
			}
			continue
		}
		if err != nil || got != b.want {
			t.Fatalf("buy %q = %q, %v; want %q", b.name, got, err, b.want)
		}
		bought = append(bought, got)
		cost := PurchaseServerCost(b.ram)
		spent += cost
		s := w.Server(got)
		if w.Player().Money() != before-cost || s.MaxRAM != b.wantRAM || !s.HasRoot || !s.Purchased || s.IsHome ||
			s.Cores != 1 || s.HackDifficulty != 1 || s.MinDifficulty != 1 || s.MoneyMax != 0 ||
			s.NumOpenPortsRequired != 5 || !slices.Equal(s.Links, []string{HomeHost}) {
			t.Errorf("bought %s: %+v, paid %v", got, s, before-w.Player().Money())
		}
	}
	if !slices.Equal(w.PurchasedServers(), bought) {
		t.Errorf("PurchasedServers = %v, want %v", w.PurchasedServers(), bought)
	}
	if got := w.Home().Links; !slices.Equal(got[2:], bought) {
		t.Errorf("home links %v: bought servers must follow the network's", got)
	}
	if start-w.Player().Money() != spent {
		t.Errorf("spent %v, want %v", start-w.Player().Money(), spent)
	}
	if _, err := w.GetServerMaxRam("qr"); err != nil {
		t.Errorf("a bought server is not visible to scripts: %v", err)
	}
}

func TestWorld_PurchaseServer_limitAndNames(t *testing.T) {
	w := newGame(t)
	w.Player().GainMoney(1e9)
	for i := 0; i < PurchasedServerLimit; i++ {
		got, err := w.PurchaseServer("s-0", 1)
		if err != nil || got != "s-"+itoa(i) {
			t.Fatalf("buy %d = %q, %v", i, got, err)
		}
	}
	_, err := w.PurchaseServer("s", 1)
	wantRefusal(t, "26th", err, ErrServerLimit, "You have reached the maximum limit of 25 servers. You cannot purchase any more.")

	// With 200 suffixes taken the game builds a duplicate and throws.
	w2 := newGame(t)
	for i := 0; i < 200; i++ {
		if err := w2.AddServer(&Server{Hostname: "n-" + itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	w2.Player().GainMoney(1e6)
	_, err = w2.PurchaseServer("n-0", 1)
	wantThrow(t, "no free name", err, ErrHostnameUsed, "Error: Trying to add a server with an existing IP")

	none, _ := New(Config{RAMOf: func(string, string) (float64, bool) { return 0, false }})
	if _, err := none.PurchaseServer("a", 8); !errors.Is(err, ErrNoHome) {
		t.Errorf("no home: %v", err)
	}
}

// TestWorld_UpgradePurchasedServer follows ServerPurchases.ts: the cost
// is the difference of the two purchase costs, and scripts keep running.
func TestWorld_UpgradePurchasedServer(t *testing.T) {
	w := newGame(t)
	w.Player().GainMoney(1e8)
	if _, err := w.PurchaseServer("p", 8); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PurchaseServer("q", 8.4); err != nil {
		t.Fatal(err)
	}
	w.Server("p").WriteFile("w.js", "")
	pid, err := w.Exec("w.js", "p", ExecOptions{Threads: 3}, nil)
	if err != nil || pid == 0 {
		t.Fatalf("exec: %v %v", pid, err)
	}
	cost, err := w.PurchasedServerUpgradeCost("p", 32)
	if err != nil || cost != PurchaseServerCost(32)-PurchaseServerCost(8) {
		t.Fatalf("upgrade cost %v, %v", cost, err)
	}
	before := w.Player().Money()
	if err := w.UpgradePurchasedServer("p", 32); err != nil {
		t.Fatal(err)
	}
	s := w.Server("p")
	if s.MaxRAM != 32 || w.Player().Money() != before-cost || !w.IsRunning(pid) || s.RAMUsed != 6 {
		t.Errorf("after upgrade: ram %v used %v paid %v running %v", s.MaxRAM, s.RAMUsed, before-w.Player().Money(), w.IsRunning(pid))
	}
	// q holds 8.4 GB (bought with 8.4), so 16.4 passes the 32-bit test
	// and costs cost(16) - cost(8.4 rounded).
	if c, err := w.PurchasedServerUpgradeCost("q", 16.4); err != nil || c != 440000 {
		t.Errorf("q to 16.4: %v, %v", c, err)
	}

	refusals := []struct {
		host string
		ram  float64
		kind error
		msg  string
	}{
		{"nope", 64, ErrNoSuchServer, "Error: Server 'nope' not found."},
		{"t0", 64, ErrNotPurchased, "Error: Server 't0' not a purchased server."},
		{HomeHost, 64, ErrNotPurchased, "Error: Server 'home' not a purchased server."},
		{"p", 48, ErrPurchaseRAM, "Error: 48 is not a positive power of 2"},
		{"p", -64, ErrPurchaseRAM, "Error: -64 is not a positive power of 2"},
		{"p", math.NaN(), ErrPurchaseRAM, "Error: NaN is not a positive power of 2"},
		{"p", 32, ErrRAMNotBigger, "Error: 'p' current ram (32) is not bigger than new ram (32)"},
		{"p", 16, ErrRAMNotBigger, "Error: 'p' current ram (32) is not bigger than new ram (16)"},
		{"p", 1 << 21, ErrMoney, "Error: You don't have enough money to upgrade 'p'."}, // Infinity cost
		{"p", 1 << 20, ErrMoney, "Error: You don't have enough money to upgrade 'p'."},
	}
	for _, r := range refusals {
		money := w.Player().Money()
		err := w.UpgradePurchasedServer(r.host, r.ram)
		wantRefusal(t, "upgrade "+r.host, err, r.kind, r.msg)
		if w.Player().Money() != money || s.MaxRAM != 32 {
			t.Errorf("refused upgrade of %s changed something", r.host)
		}
		if r.kind != ErrMoney {
			c, err := w.PurchasedServerUpgradeCost(r.host, r.ram)
			wantRefusal(t, "cost "+r.host, err, r.kind, r.msg)
			if c != -1 {
				t.Errorf("refused cost = %v, want -1", c)
			}
		}
	}
}

func TestWorld_DeleteServer(t *testing.T) {
	w := newGame(t)
	w.Player().GainMoney(1e8)
	for _, n := range []string{"a", "b", "c"} {
		if _, err := w.PurchaseServer(n, 8); err != nil {
			t.Fatal(err)
		}
	}
	w.Server("b").WriteFile("w.js", "")
	pid, _ := w.Exec("w.js", "b", ExecOptions{}, nil)
	refusals := []struct {
		name, caller string
		kind         error
		msg          string
	}{
		{"zz", "", ErrNoSuchServer, "Invalid argument: hostname='zz'"},
		{"a b", "", ErrNoSuchServer, "Invalid argument: hostname='a b'"}, // one space is kept
		{"t0", "", ErrNotPurchased, "Cannot delete non-purchased server."},
		{HomeHost, "", ErrNotPurchased, "Cannot delete non-purchased server."},
		{"a", "a", ErrDeleteSelf, "Cannot delete the server this script is running on."},
		{"b", HomeHost, ErrDeleteRunning, "Cannot delete server 'b' because it still has scripts running."},
	}
	for _, r := range refusals {
		err := w.DeleteServer(r.name, r.caller)
		wantRefusal(t, "delete "+r.name, err, r.kind, r.msg)
	}
	if len(w.PurchasedServers()) != 3 {
		t.Fatal("a refused delete removed a server")
	}
	if err := w.DeleteServer("  a", HomeHost); err != nil {
		t.Fatal(err)
	}
	w.Kill(pid)
	if err := w.DeleteServer("b", ""); err != nil {
		t.Fatal(err)
	}
	if w.Server("a") != nil || w.Server("b") != nil || !slices.Equal(w.PurchasedServers(), []string{"c"}) ||
		!slices.Equal(w.Home().Links, []string{"t0", "t2", "c"}) {
		t.Errorf("after delete: servers %v, home links %v", w.PurchasedServers(), w.Home().Links)
	}
	for _, s := range w.Servers() {
		if s.Hostname == "a" || s.Hostname == "b" {
			t.Errorf("%s still listed", s.Hostname)
		}
	}
	// A deleted name is free again.
	if got, err := w.PurchaseServer("a", 8); err != nil || got != "a" {
		t.Errorf("buy again: %q, %v", got, err)
	}
	// Purchased but not in the player's list: the game reports a bug.
	if err := w.AddServer(&Server{Hostname: "odd", Purchased: true, Links: []string{HomeHost}}); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, "unlisted", w.DeleteServer("odd", ""), ErrNotPurchased,
		"Could not identify server odd as a purchased server. This is a bug. Report to dev.")
}

func TestWorld_UpgradeHome(t *testing.T) {
	w := newGame(t)
	cost, err := w.HomeRAMUpgradeCost()
	if want := 8 * 32000 * v8math.Pow(1.58, 3); err != nil || cost != want {
		t.Fatalf("8 GB upgrade cost %v, want %v", cost, want)
	}
	err = w.UpgradeHomeRAM()
	wantRefusal(t, "poor", err, ErrMoney, "You don't have enough money. Need $"+fmtJS(cost))
	w.Player().GainMoney(1e12)
	money := w.Player().Money()
	for _, want := range []float64{16, 32, 64} {
		c, _ := w.HomeRAMUpgradeCost()
		if err := w.UpgradeHomeRAM(); err != nil {
			t.Fatal(err)
		}
		if w.Home().MaxRAM != want || w.Player().Money() != money-c {
			t.Fatalf("home %v GB, paid %v, want %v GB for %v", w.Home().MaxRAM, money-w.Player().Money(), want, c)
		}
		money = w.Player().Money()
	}
	if c, _ := w.HomeRAMUpgradeCost(); c != 64*32000*v8math.Pow(1.58, 6) {
		t.Errorf("64 GB upgrade cost %v", c)
	}
	w.Home().MaxRAM = HomeMaxRAM
	wantRefusal(t, "max RAM", w.UpgradeHomeRAM(), ErrHomeMaxed, "Your home computer is at max RAM.")

	c, _ := w.HomeCoresUpgradeCost()
	if c != 1e9*7.5 {
		t.Errorf("second core costs %v", c)
	}
	for cores := 2; cores <= HomeMaxCores; cores++ {
		w.Player().GainMoney(1e16)
		if err := w.UpgradeHomeCores(); err != nil || w.Home().Cores != cores {
			t.Fatalf("cores %d: %v", w.Home().Cores, err)
		}
	}
	wantRefusal(t, "max cores", w.UpgradeHomeCores(), ErrHomeMaxed, "Your home computer is at max cores.")
	w.Home().Cores = 3
	_ = w.Player().SetMoney(0)
	c, _ = w.HomeCoresUpgradeCost()
	wantRefusal(t, "poor cores", w.UpgradeHomeCores(), ErrMoney, "You don't have enough money. Need $"+fmtJS(c))

	none, _ := New(Config{RAMOf: func(string, string) (float64, bool) { return 0, false }})
	if err := none.UpgradeHomeRAM(); !errors.Is(err, ErrNoHome) {
		t.Errorf("no home RAM: %v", err)
	}
	if err := none.UpgradeHomeCores(); !errors.Is(err, ErrNoHome) {
		t.Errorf("no home cores: %v", err)
	}
}

func TestConfig_FormatMoney(t *testing.T) {
	w := newGame(t)
	w.cfg.FormatMoney = func(x float64) string { return "<" + fmtJS(x) + ">" }
	_, err := w.PurchaseServer("x", 64)
	wantRefusal(t, "formatted", err, ErrMoney, "Not enough money to purchase server. Need <3520000>")
}
