export const id = 636;
export const ids = [636];
export const modules = {

/***/ 70636:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createOctokit: () => (/* binding */ createOctokit)
/* harmony export */ });
/* unused harmony exports RATE_LIMIT_RETRIES, SECONDARY_RATE_LIMIT_RETRIES */
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(49735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(86856);
/* harmony import */ var _octokit_rest__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(59988);



const ClientClass = _octokit_rest__WEBPACK_IMPORTED_MODULE_0__/* .Octokit */ .E.plugin(_octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__/* .throttling */ .A);
/** Retries after GitHub's primary rate limit (x-ratelimit-remaining: 0 or 429). */
const RATE_LIMIT_RETRIES = 2;
/** Retries after a secondary rate limit, which GitHub applies to bursts of writes. */
const SECONDARY_RATE_LIMIT_RETRIES = 1;
/**
 * Creates the GitHub client used for issues, comments and the state branch. Server
 * errors are retried by the retry plugin; 400, 401, 403, 404, 410, 422 and 451 are
 * final there, and rate limits go to the throttling plugin, which waits for the
 * reset time before retrying.
 */
function createOctokit(options) {
    const { logger } = options;
    const unit = options.retryDelayUnitMs ?? 1000;
    return new ClientClass({
        auth: options.token,
        baseUrl: options.baseUrl,
        userAgent: 'acme-lineage',
        log: {
            debug: (message) => logger.debug(message),
            info: (message) => logger.debug(message),
            warn: (message) => logger.warning(message),
            // Octokit's request log reports every failed request here, including the 404 of a
            // state branch not created yet and the 403 of GET /user for GITHUB_TOKEN, which
            // callers expect. Callers raise the failures that matter with advice, so an error
            // level here would only add a false error annotation to the workflow run.
            error: (message) => logger.debug(message),
        },
        retry: { retryAfterBaseValue: unit },
        throttle: {
            retryAfterBaseValue: unit,
            onRateLimit: (retryAfter, request, _octokit, retryCount) => {
                const retrying = retryCount < RATE_LIMIT_RETRIES;
                logger.warning(`GitHub rate limit reached on ${request.method} ${request.url}; ` +
                    (retrying
                        ? `retrying in ${retryAfter} s (retry ${retryCount + 1} of ${RATE_LIMIT_RETRIES}).`
                        : `giving up after ${RATE_LIMIT_RETRIES} retries.`));
                return retrying;
            },
            onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
                const retrying = retryCount < SECONDARY_RATE_LIMIT_RETRIES;
                logger.warning(`GitHub secondary rate limit reached on ${request.method} ${request.url}; ` +
                    (retrying ? `retrying once in ${retryAfter} s.` : 'giving up.'));
                return retrying;
            },
        },
    });
}


/***/ })

};
