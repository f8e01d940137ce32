package ramcalc

import "strings"

// resolveImport is the game's resolveScriptFilePath(specifier, root,
// ".js"): specifiers resolve from the root whatever the importing file's
// folder, ".js" is appended unless present, a single leading "/" is
// dropped, "." and ".." segments are applied, and the result must be a
// valid file path. ok is false for an invalid path.
func resolveImport(spec string) (string, bool) {
	if !strings.HasSuffix(spec, ".js") {
		spec += ".js"
	}
	spec = strings.TrimPrefix(spec, "/")
	segs := strings.Split(spec, "/")
	file := segs[len(segs)-1]
	var dirs []string
	for _, d := range segs[:len(segs)-1] {
		switch d {
		case "":
			return "", false
		case ".":
		case "..":
			if len(dirs) == 0 {
				return "", false
			}
			dirs = dirs[:len(dirs)-1]
		default:
			if !validPathPart(d) {
				return "", false
			}
			dirs = append(dirs, d)
		}
	}
	dot := strings.LastIndexByte(file, '.')
	if dot < 1 || dot == len(file)-1 || !validPathPart(file) {
		return "", false
	}
	dirs = append(dirs, file)
	return strings.Join(dirs, "/"), true
}

// validPathPart rejects the characters the game forbids in file paths.
func validPathPart(s string) bool {
	return !strings.ContainsAny(s, "*?[]!\\~|#\"' ")
}
