package config

import (
	"errors"
	"fmt"
	"os"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name flashdeck's secrets are stored under
// in the OS keyring.
const KeyringService = "flashdeck"

// Lookup reads a secret by name (an environment variable name).
type Lookup func(name string) (string, bool)

// EnvLookup reads the process environment.
func EnvLookup(name string) (string, bool) { return os.LookupEnv(name) }

// MapLookup serves secrets from a map (the demo's credentials, tests).
func MapLookup(m map[string]string) Lookup {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

// KeyringLookup reads the OS keyring (Secret Service, Windows Credential
// Manager, macOS Keychain), the variable name being the account. Where no
// keyring runs (a server, CI) it finds nothing.
func KeyringLookup(name string) (string, bool) {
	v, err := keyring.Get(KeyringService, name)
	return v, err == nil && v != ""
}

// SetKeyring stores a secret in the OS keyring under name.
func SetKeyring(name, value string) error {
	if err := CheckSecretName(name); err != nil {
		return err
	}
	if err := keyring.Set(KeyringService, name, value); err != nil {
		return fmt.Errorf("OS keyring: %w", err)
	}
	return nil
}

// CheckSecretName checks the name a secret is kept under: a variable name,
// as the *_env fields give it. The secret itself typed in its place is
// refused without being repeated.
func CheckSecretName(name string) error {
	if envKind(name) != envIsName {
		return fmt.Errorf("the name looks like a value rather than a variable name (%d characters, not repeated here): "+
			"give the name a *_env field of the config holds, e.g. LAZADA_APP_SECRET; the value itself is read from standard input", utf8.RuneCountInString(name))
	}
	return nil
}

// DeleteKeyring removes a secret from the OS keyring.
func DeleteKeyring(name string) error {
	if err := CheckSecretName(name); err != nil {
		return err
	}
	err := keyring.Delete(KeyringService, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("%s is not in the OS keyring", name)
	}
	return err
}

// Chain tries each lookup in turn.
func Chain(lookups ...Lookup) Lookup {
	return func(name string) (string, bool) {
		for _, l := range lookups {
			if v, ok := l(name); ok {
				return v, true
			}
		}
		return "", false
	}
}

// DefaultLookup is how the configuration's secrets are read: the
// environment, then — when the config says keyring: true — the OS keyring.
func (c *Config) DefaultLookup() Lookup {
	if c.Keyring {
		return Chain(EnvLookup, KeyringLookup)
	}
	return EnvLookup
}

// Secret reads the secret the field refers to. The error names the field
// and the variable, never a value.
func (c *Config) Secret(lookup Lookup, channel, field, env string) (string, error) {
	if env == "" {
		return "", nil
	}
	v, ok := lookup(env)
	if !ok || v == "" {
		where := c.Path
		if where == "" {
			where = "config"
		}
		hint := ""
		if c.Keyring {
			hint = ", nor in the OS keyring (flashdeck secret set " + env + ")"
		}
		return "", fmt.Errorf("%s: channel %s: %s: environment variable %s is not set%s", where, channel, field, env, hint)
	}
	return v, nil
}
