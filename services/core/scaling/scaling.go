// Package scaling holds the capacity arithmetic that EC2 Auto Scaling and
// Application Auto Scaling apply alike. It imports nothing of Longshore.
package scaling

// PercentChange is the change a PercentChangeInCapacity adjustment makes to
// the current capacity. Fractions between -1 and 1 round away from zero,
// larger ones toward zero; a change smaller than minMagnitude (when above
// zero) grows to it.
func PercentChange(current, percent, minMagnitude int32) int32 {
	delta := float64(current) * float64(percent) / 100
	var d int32
	switch {
	case delta > 0 && delta < 1:
		d = 1
	case delta < 0 && delta > -1:
		d = -1
	default:
		d = int32(delta)
	}
	if minMagnitude > 0 {
		if d > 0 && d < minMagnitude {
			d = minMagnitude
		} else if d < 0 && -d < minMagnitude {
			d = -minMagnitude
		}
	}
	return d
}
