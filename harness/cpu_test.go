package harness

import (
	"testing"
)

// spinWasm is a module exporting spin(n): a loop of n rounds in
// WebAssembly, for time spent inside the module.
const spinWasm = `new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00,
	0x03, 0x02, 0x01, 0x00,
	0x07, 0x08, 0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00,
	0x0a, 0x10, 0x01, 0x0e, 0x00, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b])`

// The game charges the realm's time to the script it runs for: a script
// that computes between its sleeps is charged JavaScript time, one that
// calls into WebAssembly is charged module time, one that only sleeps
// next to nothing, and a script woken by another's port write is charged
// from its own first ns call on.
func TestGame_CPU(t *testing.T) {
	g := homeGame(t, Config{Seed: 1})
	files := map[string]string{
		"busy.js": `export async function main(ns) {
			for (let r = 0; r < 3; r++) { let x = 0; for (let i = 0; i < 300000; i++) x += i % 7; ns.print(x); await ns.sleep(1000); }
		}`,
		"idle.js": `export async function main(ns) { for (let r = 0; r < 3; r++) await ns.sleep(1000); }`,
		"module.js": `export async function main(ns) {
			const { instance } = await WebAssembly.instantiate(` + spinWasm + `);
			for (let r = 0; r < 3; r++) { instance.exports.spin(100000000); await ns.sleep(1000); }
		}`,
		"reader.js": `export async function main(ns) {
			await ns.getPortHandle(7).nextWrite();
			ns.readPort(7);
			let x = 0; for (let i = 0; i < 300000; i++) x += i % 7;
			ns.print(x);
		}`,
		"writer.js": `export async function main(ns) { await ns.sleep(500); ns.writePort(7, "go"); }`,
	}
	if err := g.Install("home", files); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"busy.js", "idle.js", "module.js", "reader.js", "writer.js"} {
		if _, err := g.Exec(s, "home", 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.RunFor(5000); err != nil {
		t.Fatal(err)
	}
	if f := g.Faults(); len(f) > 0 {
		t.Fatal(f)
	}
	cpu := g.CPU()
	busy, idle, mod, reader, writer := cpu["busy.js"], cpu["idle.js"], cpu["module.js"], cpu["reader.js"], cpu["writer.js"]
	t.Logf("busy %+v, idle %+v, module %+v, reader %+v, writer %+v", busy, idle, mod, reader, writer)
	if busy.Module != 0 || idle.Module != 0 || reader.Module != 0 {
		t.Errorf("scripts that never call WebAssembly were charged module time")
	}
	if mod.Module <= 2*mod.JS || mod.Module <= 5*idle.JS {
		t.Errorf("the module's loop was not charged as module time to its script")
	}
	if busy.JS <= 5*idle.JS || reader.JS <= 5*writer.JS {
		t.Errorf("a computing script was not charged its JavaScript time (or an idle one was charged it)")
	}
	// The counts: busy made 3 prints and 3 sleeps, idle 3 sleeps, module 3
	// sleeps and 3 spins, reader a nextWrite's port handle, a read and a
	// print, writer a sleep and a write.
	counts := map[string][2]int64{"busy.js": {6, 0}, "idle.js": {3, 0}, "module.js": {3, 3}, "reader.js": {3, 0}, "writer.js": {2, 0}}
	for file, want := range counts {
		if u := cpu[file]; u.NSCalls != want[0] || u.ModuleCalls != want[1] {
			t.Errorf("%s: %d ns calls and %d module calls, want %d and %d", file, u.NSCalls, u.ModuleCalls, want[0], want[1])
		}
	}
}
