package cloudwatch

import "github.com/longshore/longshore/protocol/apierror"

// CloudWatch's query error codes (the model's error codes).
func invalidValue(format string, args ...any) error {
	return apierror.New("InvalidParameterValue", format, args...)
}

func invalidCombination(format string, args ...any) error {
	return apierror.New("InvalidParameterCombination", format, args...)
}

func missingParameter(name string) error {
	return apierror.New("MissingParameter", "The parameter %s is required.", name)
}

func alarmNotFound(format string, args ...any) error {
	return apierror.New("ResourceNotFound", format, args...)
}

func invalidNextToken() error {
	return apierror.New("InvalidNextToken", "The service cannot process the provided NextToken.")
}
