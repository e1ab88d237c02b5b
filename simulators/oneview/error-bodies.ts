/** OneView's answer to a request body that is not JSON. */
export function invalidJson() {
  return {
    errorCode: 'INVALID_JSON',
    message: 'The request body is not valid JSON.',
    details: '',
    recommendedActions: [],
    nestedErrors: [],
    errorSource: null,
    data: {},
  };
}
