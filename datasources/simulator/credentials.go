package simulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// Credentials are the simulated channels' secrets. They are demo values,
// never real ones; `flashdeck simulate` prints them as environment
// variables so a config can reference them like real credentials.
type Credentials struct {
	LazadaAppKey       string
	LazadaAppSecret    string
	LazadaAccessToken  string
	LazadaRefreshToken string

	AkulakuAppID       string
	AkulakuAccessToken string
	// AkulakuKey signs requests (the client holds it); the simulator
	// verifies with its public half.
	AkulakuKey *rsa.PrivateKey

	StoreToken string
}

// NewCredentials makes a fresh set of demo credentials.
func NewCredentials(seed int64) (*Credentials, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("simulator: akulaku key: %w", err)
	}
	return &Credentials{
		LazadaAppKey:       "100001",
		LazadaAppSecret:    fmt.Sprintf("sim-secret-%d", seed),
		LazadaAccessToken:  "sim-access-token-1",
		LazadaRefreshToken: "sim-refresh-token",
		AkulakuAppID:       "sim-akulaku-app",
		AkulakuAccessToken: "sim-akulaku-token",
		AkulakuKey:         key,
		StoreToken:         "sim-store-token",
	}, nil
}

// AkulakuKeyPEM returns the private key as PKCS#8 PEM, the way a seller
// would keep it in an environment variable.
func (c *Credentials) AkulakuKeyPEM() string {
	der, err := x509.MarshalPKCS8PrivateKey(c.AkulakuKey)
	if err != nil {
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}
