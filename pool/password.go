package pool

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Passwords are hashed with argon2id (RFC 9106) and stored in the PHC string
// format, $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded base64), so
// that each hash carries its own parameters and they can be raised later
// without breaking stored ones.
//
// The parameters are OWASP's first recommendation for argon2id: 19 MiB of
// memory, 2 passes, 1 lane, a 16-byte salt and a 32-byte hash, about 30 ms on
// one core; RFC 9106's second recommendation (64 MiB, 3 passes) would cost a
// small server too much memory per concurrent sign-in.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSalt    = 16
	argonKey     = 32
)

// HashPassword returns password's argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSalt)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("pool: password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKey)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash (as HashPassword makes
// it, with whatever parameters it names), in time independent of where they
// differ. A malformed hash matches nothing.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil ||
		memory == 0 || memory > 1<<20 || passes == 0 || passes > 10 || threads == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when no user has the e-mail given, so that an
// unknown e-mail takes as long to refuse as a wrong password. Made on first
// use: hashing costs every process that never signs anyone in.
var dummyHash = sync.OnceValue(func() string { h, _ := HashPassword("serialpool: no such user"); return h })

// CheckNoPassword spends the time CheckPassword would and matches nothing.
func CheckNoPassword(password string) { CheckPassword(dummyHash(), password) }
