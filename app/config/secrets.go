package config

import (
	"fmt"
	"os"
)

// Lookup reads a secret by environment variable name (os.LookupEnv in
// production; a map in the demo and in tests).
type Lookup func(name string) (string, bool)

// EnvLookup reads the process environment.
func EnvLookup(name string) (string, bool) { return os.LookupEnv(name) }

// MapLookup serves secrets from a map.
func MapLookup(m map[string]string) Lookup {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
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
		return "", fmt.Errorf("%s: channel %s: %s: environment variable %s is not set", where, channel, field, env)
	}
	return v, nil
}
