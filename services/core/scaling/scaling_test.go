package scaling

import "testing"

func TestPercentChange(t *testing.T) {
	for _, tc := range []struct {
		current, percent, minMagnitude, want int32
	}{
		{10, 50, 0, 5},
		{10, -50, 0, -5},
		{1, 10, 0, 1},   // 0.1 rounds away from zero
		{1, -10, 0, -1}, // -0.1 likewise
		{10, 15, 0, 1},  // 1.5 truncates
		{10, -15, 0, -1},
		{10, 10, 3, 3},
		{10, -10, 3, -3},
		{10, 0, 3, 0}, // no change stays none
		{10, 50, 3, 5},
	} {
		if got := PercentChange(tc.current, tc.percent, tc.minMagnitude); got != tc.want {
			t.Errorf("PercentChange(%d, %d, %d) = %d, want %d", tc.current, tc.percent, tc.minMagnitude, got, tc.want)
		}
	}
}
