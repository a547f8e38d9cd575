package simulator

import (
	"fmt"

	"github.com/flashdeck/flashdeck/datasources"
)

// Buyer is a simulated shopper. Everything is derived from the channel and
// the buyer's number, so it costs no memory per order.
type Buyer struct {
	ID        string
	Name      string
	Phone     string // full number; dialects may mask it as the channel would
	Address   datasources.Address
	PaymentFP string
}

var (
	firstNames = []string{"Ayu", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hendra", "Indah", "Joko", "Kartika", "Lestari", "Made", "Nur", "Putri", "Rizky", "Sari", "Taufik", "Wulan", "Yusuf"}
	lastNames  = []string{"Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Kusuma", "Nugroho", "Siregar", "Setiawan", "Halim", "Gunawan", "Lubis"}
	streets    = []string{"Jl. Merdeka", "Jl. Sudirman", "Jl. Gatot Subroto", "Jl. Diponegoro", "Jl. Ahmad Yani", "Jl. Gajah Mada", "Jl. Pemuda", "Jl. Kebon Jeruk", "Jl. Cempaka Putih", "Jl. Mangga Besar"}
	cities     = []struct{ city, region, post string }{
		{"Jakarta Selatan", "DKI Jakarta", "121"}, {"Jakarta Barat", "DKI Jakarta", "115"},
		{"Bandung", "Jawa Barat", "401"}, {"Surabaya", "Jawa Timur", "602"},
		{"Medan", "Sumatera Utara", "201"}, {"Semarang", "Jawa Tengah", "501"},
		{"Bekasi", "Jawa Barat", "171"}, {"Tangerang", "Banten", "151"},
		{"Yogyakarta", "DI Yogyakarta", "552"}, {"Denpasar", "Bali", "802"},
	}
)

// buyer derives buyer n of this channel.
func (b *Book) buyer(n int32) Buyer {
	h := fnv64(fmt.Sprintf("%s/%d", b.spec.ID, n))
	c := cities[h%uint64(len(cities))]
	return Buyer{
		ID:    fmt.Sprintf("%d", 100000000+uint64(n)*7919%900000000),
		Name:  firstNames[(h>>8)%uint64(len(firstNames))] + " " + lastNames[(h>>16)%uint64(len(lastNames))],
		Phone: fmt.Sprintf("08%02d%08d", 11+(h>>24)%48, (h>>32)%100000000),
		Address: datasources.Address{
			Line1:    fmt.Sprintf("%s No. %d", streets[(h>>40)%uint64(len(streets))], 1+(h>>44)%180),
			Line2:    fmt.Sprintf("RT %02d/RW %02d", 1+(h>>50)%12, 1+(h>>54)%9),
			City:     c.city,
			Region:   c.region,
			PostCode: fmt.Sprintf("%s%02d", c.post, (h>>58)%40),
			Country:  "Indonesia",
		},
		PaymentFP: fmt.Sprintf("pf_%012x", h&0xffffffffffff),
	}
}
