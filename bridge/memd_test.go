package bridge

import (
	"strconv"
	"strings"
	"testing"

	"ramfarm/bridge/internal/jsonx"
)

func TestParseMemdConfig(t *testing.T) {
	tests := []struct {
		cfg, err string
		check    func(MemdConfig) bool
	}{
		{`{}`, "", func(c MemdConfig) bool { return c.Home == "home" && c.Memory.HomeReserve == 0 && c.Memory.SelfRAM == 0 }},
		{`{"homeReserve":4.5,"selfHost":"home","selfRam":2}`, "", func(c MemdConfig) bool {
			return c.Memory.HomeReserve == 450 && c.Memory.SelfHost == "home" && c.Memory.SelfRAM == 200
		}},
		{`{"selfRam":-1}`, `"selfRam"`, nil},
		{`{"selfRam":1.234}`, `"selfRam"`, nil},
		{`{"self":"home"}`, `unknown key "self"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.cfg, func(t *testing.T) {
			c, err := ParseMemdConfig([]byte(tt.cfg))
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want one naming %s", err, tt.err)
			case tt.check != nil && !tt.check(c):
				t.Fatalf("config %+v", c)
			}
		})
	}
	// The engine rejects own RAM with no host to hold it.
	if _, err := NewMemd([]byte(`{"selfRam":2}`)); err == nil {
		t.Fatal("own RAM on no host accepted")
	}
}

// memdFiles is each test daemon's state file, as the script keeps it:
// written with a Ready's save, appended its journal.
var memdFiles = map[*Memd]string{}

// memdRound steps batch, checks the Ready against the wire and
// advances, then steps every send's outcome as delivered. It returns the
// sends, the daemon's state file after it, whether it changed, and the
// first Ready.
func memdRound(t *testing.T, m *Memd, batch string) (sends []jsonx.Value, file string, saved bool, ready string) {
	t.Helper()
	step := func(batch string) jsonx.Value {
		if err := m.Step([]byte(batch)); err != nil {
			t.Fatalf("step %s: %v", batch, err)
		}
		r := string(m.Ready())
		checkReady(t, MemdWire, r)
		m.Advance()
		v, _ := jsonx.Parse([]byte(r))
		if _, bad := v.Get(wErrors); bad {
			t.Fatalf("step %s: %s", batch, r)
		}
		if sv, ok := v.Get(wSave); ok {
			memdFiles[m], saved = sv.Str, true
		}
		if jv, ok := v.Get(wJournal); ok {
			memdFiles[m], saved = memdFiles[m]+jv.Str, true
		}
		if ready == "" {
			ready = r
		}
		return v
	}
	if s, ok := step(batch).Get(wSend); ok {
		sends = s.Arr
	}
	if len(sends) > 0 {
		outcomes := make([]string, len(sends))
		for i, s := range sends {
			outcomes[i] = `{"k":"sent","id":` + jsonx.FormatNum(s.Arr[0].Num) + `,"ok":true}`
		}
		step("[" + strings.Join(outcomes, ",") + "]")
	}
	return sends, memdFiles[m], saved, ready
}

// answer is the message of the send to port, as JSON text.
func answer(t *testing.T, sends []jsonx.Value, port int64) jsonx.Value {
	t.Helper()
	for _, s := range sends {
		if int64(s.Arr[1].Num) == port {
			return s.Arr[2]
		}
	}
	t.Fatalf("no send to port %d among %d", port, len(sends))
	return jsonx.Value{}
}

const memdSession = `{"session":"s1","selfHost":"home"}`

// TestMemd_restore: a memory daemon started again from the state its
// predecessor saved has the same allocations, owners and leases, hands
// out no allocation id or port twice, and saves only when its state
// changed. A state of another session is refused and the daemon starts
// empty.
func TestMemd_restore(t *testing.T) {
	m, _ := NewMemd([]byte(memdSession))
	boot := BootPort(5)
	tick := `{"k":"tick","now":1,"workers":[["home",true,64,0]]}`
	memdRound(t, m, `[`+tick+`]`)
	sends, _, _, _ := memdRound(t, m, `[{"k":"msg","body":{"t":"port","rid":1,"pid":5,"reply":`+strconv.FormatInt(int64(boot), 10)+`}},
		{"k":"msg","body":{"t":"alloc","rid":2,"pid":5,"reply":101,"chunk":4,"count":2}},`+tick+`]`)
	if p := answer(t, sends, int64(boot)); p.Obj[2].Val.Num != 101 {
		t.Fatalf("port answer %v", p)
	}
	_, save, saved, _ := memdRound(t, m, `[{"k":"msg","body":{"t":"resize","rid":3,"pid":5,"reply":101,"alloc":1,"count":3}}]`)
	if !saved {
		t.Fatal("a state that changed was not saved")
	}
	_, save, _, _ = memdRound(t, m, `[`+tick+`]`) // it grows
	if _, _, saved, ready := memdRound(t, m, `[`+tick+`]`); saved {
		t.Fatalf("a tick that changed nothing saved again: %s", ready)
	}
	before := describeReport(t, m)

	r, _ := NewMemd([]byte(memdSession))
	_, _, _, ready := memdRound(t, r, `[{"k":"restore","state":`+strconv.Quote(save)+`}]`)
	if !strings.Contains(ready, `"watch":[5]`) || !strings.Contains(ready, `"observe":["home"]`) {
		t.Errorf("restored daemon watches or observes the wrong things: %s", ready)
	}
	memdRound(t, r, `[`+tick+`]`)
	if after := describeReport(t, r); after != before {
		t.Errorf("restored report\n%s\nwant\n%s", after, before)
	}
	sends, _, _, _ = memdRound(t, r, `[{"k":"msg","body":{"t":"port","rid":1,"pid":6,"reply":`+strconv.FormatInt(int64(BootPort(6)), 10)+`}},
		{"k":"msg","body":{"t":"alloc","rid":4,"pid":5,"reply":101,"chunk":4,"count":1}},`+tick+`]`)
	if p := answer(t, sends, int64(BootPort(6))); p.Obj[2].Val.Num != 102 {
		t.Errorf("new lease after the restore: %v, want port 102", p)
	}
	if a := answer(t, sends, 101); a.Obj[2].Val.Num != 2 {
		t.Errorf("new allocation after the restore: id %v, want 2", a.Obj[2].Val.Num)
	}

	other, _ := NewMemd([]byte(`{"session":"s2","selfHost":"home"}`))
	if err := other.Step([]byte(`[{"k":"restore","state":` + strconv.Quote(save) + `}]`)); err != nil {
		t.Fatal(err)
	}
	if got := string(other.Ready()); !strings.Contains(got, `session \"s1\", not this daemon's \"s2\"`) || strings.Contains(got, `"watch"`) {
		t.Errorf("a state of another session: %s", got)
	}
}

// describeReport is the daemon's status report, asked by pid 5 on port
// 101, without its rid.
func describeReport(t *testing.T, m *Memd) string {
	t.Helper()
	sends, _, _, _ := memdRound(t, m, `[{"k":"msg","body":{"t":"status","rid":9,"pid":5,"reply":101}}]`)
	for _, s := range sends {
		if int64(s.Arr[1].Num) == 101 && s.Arr[2].Obj[0].Val.Str == TypeReport {
			var w jsonx.Writer
			writeValue(&w, s.Arr[2])
			return string(w.Bytes())
		}
	}
	t.Fatal("no report")
	return ""
}

// BenchmarkMemd_ready is a daemon's Ready with 40 allocations and 120
// claims on 20 hosts, with and without a session: the difference is what
// building the state to save costs on every step (it is handed out only
// when it changed).
func BenchmarkMemd_ready(b *testing.B) {
	for _, cfg := range []string{`{"selfHost":"home"}`, memdSession} {
		b.Run(cfg, func(b *testing.B) {
			m, _ := NewMemd([]byte(cfg))
			var batch strings.Builder
			batch.WriteString(`[`)
			for h := range 20 {
				batch.WriteString(`{"k":"msg","body":{"t":"worker","host":"h` + strconv.Itoa(h) + `"}},`)
			}
			for a := range 40 {
				batch.WriteString(`{"k":"msg","body":{"t":"alloc","rid":1,"pid":` + strconv.Itoa(1000+a) + `,"reply":` + strconv.Itoa(200+a) +
					`,"script":"ramfarm/harvest.js","chunk":4,"count":4}},`)
			}
			workers := `{"k":"tick","now":1,"workers":[["home",true,64,0]`
			for h := range 20 {
				workers += `,["h` + strconv.Itoa(h) + `",true,64,0]`
			}
			batch.WriteString(workers + `]}]`)
			must := func(batch string) {
				if err := m.Step([]byte(batch)); err != nil {
					b.Fatal(err)
				}
				m.Ready()
				m.Advance()
			}
			must(batch.String())
			var claims []string
			for a := range 40 {
				for w := range 3 {
					claims = append(claims, `{"k":"msg","body":{"t":"claim","rid":2,"pid":`+strconv.Itoa(1000+a)+`,"reply":`+strconv.Itoa(200+a)+
						`,"alloc":`+strconv.Itoa(a+1)+`,"host":"h`+strconv.Itoa(a/2)+`","worker":`+strconv.Itoa(5000+3*a+w)+`,"ram":1}}`)
				}
			}
			must(`[` + strings.Join(claims, ",") + `]`)
			b.ResetTimer()
			for range b.N {
				m.touched = true // as after a message: the state is built and compared
				m.Ready()
				m.Advance()
			}
			if m.cfg.Session != "" {
				b.ReportMetric(float64(m.snapSize), "state-bytes")
			}
		})
	}
}

// TestMemd_journal: the state file, a snapshot and the changes since,
// always reads back as the daemon's state at the last Ready that changed
// it; with 30
// allocations a change is a fraction of the snapshot, and a fresh snapshot replaces them once
// they outgrow it.
func TestMemd_journal(t *testing.T) {
	m, _ := NewMemd([]byte(memdSession))
	var setup strings.Builder
	setup.WriteString(`[{"k":"msg","body":{"t":"register","rid":1,"pid":2,"reply":60,"role":"discovery"}}]`)
	sends, _, _, _ := memdRound(t, m, setup.String())
	token := jsonx.FormatNum(answer(t, sends, 60).Obj[3].Val.Num)
	var regs, rows []string
	for h := range 20 {
		name := `"h` + strconv.Itoa(h) + `"`
		regs = append(regs, `{"k":"msg","body":{"t":"worker","host":`+name+`,"token":`+token+`}}`)
		rows = append(rows, `[`+name+`,true,`+strconv.Itoa(16<<(h%4))+`,0]`)
	}
	memdRound(t, m, `[`+strings.Join(regs, ",")+`]`)
	memdRound(t, m, `[{"k":"tick","now":1,"workers":[`+strings.Join(rows, ",")+`]}]`)
	lastSize, snapshots, journaled := 0, 0, 0
	for i := range 120 {
		pid := strconv.Itoa(100 + i)
		batch := `{"k":"msg","body":{"t":"alloc","rid":1,"pid":` + pid + `,"reply":` + strconv.Itoa(1000+i) +
			`,"chunk":2,"count":` + strconv.Itoa(4+i%9) + `,"growable":true}}`
		dead := ""
		if i >= 30 {
			dead = strconv.Itoa(100 + i - 30) // the allocations of 30 rounds ago end with their owners
		}
		used := strconv.Itoa(i % 3)
		batch += `,{"k":"tick","now":` + strconv.Itoa(2+i) + `,"dead":[` + dead + `],"workers":[["h` + strconv.Itoa(i%20) + `",true,` +
			strconv.Itoa(16<<(i%20%4)) + `,` + used + `]]}`
		_, file, saved, ready := memdRound(t, m, `[`+batch+`]`)
		if !saved {
			t.Fatalf("round %d changed nothing to save: %s", i, ready)
		}
		switch {
		case strings.Contains(ready, `"save":`):
			snapshots++
		case strings.Contains(ready, `"journal":`):
			journaled++
			var snap jsonx.Writer
			encodeState(&snap, *m.saved)
			if j := strings.Index(ready, `"journal":`); i >= 40 && len(ready)-j > len(snap.Bytes())/2 {
				t.Fatalf("round %d: a change over half a snapshot (%d bytes): %s", i, len(snap.Bytes()), ready[j:])
			}
		}
		if len(file) < lastSize && !strings.Contains(ready, `"save":`) {
			t.Fatalf("round %d: the file shrank without a snapshot", i)
		}
		lastSize = len(file)
		s, err := decodeSaved([]byte(file))
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		var got, want jsonx.Writer
		encodeState(&got, s)
		encodeState(&want, *m.saved) // the state of the last Ready that changed it
		if string(got.Bytes()) != string(want.Bytes()) {
			t.Fatalf("round %d: the file reads back as\n%s\nwant\n%s", i, got.Bytes(), want.Bytes())
		}
	}
	if snapshots < 2 || journaled < 60 {
		t.Errorf("%d snapshots and %d changes in 120 rounds: want the changes, and a fresh snapshot once they outgrew the first", snapshots, journaled)
	}
}
