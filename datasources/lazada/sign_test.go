package lazada

import "testing"

// TestSignOfficialVector is the example of Lazada's signing guide.
func TestSignOfficialVector(t *testing.T) {
	got := Sign("/order/get", map[string]string{
		"access_token": "test", "app_key": "123456", "order_id": "1234",
		"sign_method": "sha256", "timestamp": "1517820392000",
	}, "helloworld")
	const want = "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestSignIgnoresSignAndEmptyValues(t *testing.T) {
	base := map[string]string{"app_key": "1", "timestamp": "2"}
	with := map[string]string{"app_key": "1", "timestamp": "2", "sign": "X", "empty": ""}
	if Sign("/p", base, "s") != Sign("/p", with, "s") {
		t.Fatal("sign or an empty parameter changed the signature")
	}
	if Sign("/p", base, "s") == Sign("/q", base, "s") {
		t.Fatal("the API path is not signed")
	}
	if Sign("/p", base, "s") == Sign("/p", base, "t") {
		t.Fatal("the secret does not matter")
	}
}

func TestBanFor(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want int
	}{
		{"The request has exceeded the limit of this API, this ban will last 3 seconds", 3},
		{"this ban will last 1 second", 1},
		{"The request is too frequent", 1},
		{"", 1},
	} {
		if got := banFor(tc.msg); got.Seconds() != float64(tc.want) {
			t.Errorf("banFor(%q) = %v, want %ds", tc.msg, got, tc.want)
		}
	}
}
