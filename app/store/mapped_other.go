//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// dropMapped is Linux's alone (mapped_linux.go): elsewhere the mapped pages
// are left to the system.
func dropMapped(*bolt.Tx) {}
