package host

import (
	"context"
	"encoding/binary"
	"math/rand/v2"

	"github.com/tetratelabs/wazero/api"
)

// The WASI preview1 functions a Go reactor imports, answered the way the
// in-game shim (jsglue/lib/core.js) answers them: no args or environment,
// a clock the caller controls, seeded randomness, output collected as the
// instance's stderr, EBADF for file descriptors.
const wasiModule = "wasi_snapshot_preview1"

const errnoBadf = 8

type instanceKey struct{}

func withInstance(ctx context.Context, in *Instance) context.Context {
	return context.WithValue(ctx, instanceKey{}, in)
}

func instanceOf(ctx context.Context) *Instance {
	in, _ := ctx.Value(instanceKey{}).(*Instance)
	return in
}

func (r *Runtime) instantiateWASI(ctx context.Context) error {
	rng := rand.New(rand.NewPCG(r.seed, 0x72616d6661726d)) // "ramfarm"
	i32 := api.ValueTypeI32
	i64 := api.ValueTypeI64
	b := r.rt.NewHostModuleBuilder(wasiModule)
	fn := func(name string, params []api.ValueType, f func(ctx context.Context, m api.Module, s []uint64) uint32) {
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, s []uint64) {
			s[0] = uint64(f(ctx, m, s))
		}), params, []api.ValueType{i32}).Export(name)
	}
	zero2 := func(_ context.Context, m api.Module, s []uint64) uint32 {
		m.Memory().WriteUint32Le(uint32(s[0]), 0)
		m.Memory().WriteUint32Le(uint32(s[1]), 0)
		return 0
	}
	ok := func(context.Context, api.Module, []uint64) uint32 { return 0 }
	badf := func(context.Context, api.Module, []uint64) uint32 { return errnoBadf }
	fn("args_sizes_get", []api.ValueType{i32, i32}, zero2)
	fn("environ_sizes_get", []api.ValueType{i32, i32}, zero2)
	fn("args_get", []api.ValueType{i32, i32}, ok)
	fn("environ_get", []api.ValueType{i32, i32}, ok)
	fn("sched_yield", nil, ok)
	fn("clock_time_get", []api.ValueType{i32, i64, i32}, func(_ context.Context, m api.Module, s []uint64) uint32 {
		m.Memory().WriteUint64Le(uint32(s[2]), uint64(r.clock()))
		return 0
	})
	fn("random_get", []api.ValueType{i32, i32}, func(_ context.Context, m api.Module, s []uint64) uint32 {
		buf, okr := m.Memory().Read(uint32(s[0]), uint32(s[1]))
		if !okr {
			return 21 // EFAULT
		}
		for i := 0; i < len(buf); i += 8 {
			var w [8]byte
			binary.LittleEndian.PutUint64(w[:], rng.Uint64())
			copy(buf[i:], w[:])
		}
		return 0
	})
	fn("fd_write", []api.ValueType{i32, i32, i32, i32}, func(ctx context.Context, m api.Module, s []uint64) uint32 {
		mem := m.Memory()
		iovs, n := uint32(s[1]), uint32(s[2])
		total := uint32(0)
		in := instanceOf(ctx)
		for i := uint32(0); i < n; i++ {
			p, _ := mem.ReadUint32Le(iovs + 8*i)
			l, _ := mem.ReadUint32Le(iovs + 8*i + 4)
			if b, okr := mem.Read(p, l); okr && in != nil {
				in.Stderr = append(in.Stderr, b...)
			}
			total += l
		}
		mem.WriteUint32Le(uint32(s[3]), total)
		return 0
	})
	fn("poll_oneoff", []api.ValueType{i32, i32, i32, i32}, func(_ context.Context, m api.Module, s []uint64) uint32 {
		mem := m.Memory()
		inp, out, nsub := uint32(s[0]), uint32(s[1]), uint32(s[2])
		for i := uint32(0); i < nsub; i++ {
			ud, _ := mem.ReadUint64Le(inp + 48*i)
			typ, _ := mem.ReadByte(inp + 48*i + 8)
			mem.WriteUint64Le(out+32*i, ud)
			mem.WriteUint16Le(out+32*i+8, 0)
			mem.WriteByte(out+32*i+10, typ)
		}
		mem.WriteUint32Le(uint32(s[3]), nsub)
		return 0
	})
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, m api.Module, s []uint64) {
		panic("core module called proc_exit(" + itoa(uint32(s[0])) + ")")
	}), []api.ValueType{i32}, nil).Export("proc_exit")
	for _, name := range []string{"fd_prestat_get", "fd_fdstat_get"} {
		fn(name, []api.ValueType{i32, i32}, badf)
	}
	fn("fd_close", []api.ValueType{i32}, badf)
	fn("fd_fdstat_set_flags", []api.ValueType{i32, i32}, badf)
	fn("fd_prestat_dir_name", []api.ValueType{i32, i32, i32}, badf)
	_, err := b.Instantiate(ctx)
	return err
}

func itoa(u uint32) string {
	if u == 0 {
		return "0"
	}
	var b [10]byte
	i := len(b)
	for u > 0 {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
	}
	return string(b[i:])
}
