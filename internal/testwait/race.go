//go:build race

package testwait

const race = true
