// SPDX-License-Identifier: MIT
// libcurl easy-interface wrapper: method, JSON body, Basic or Bearer credentials, and the
// answer's status, content type and body collected into memory.
#include "client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"

#define CONNECT_TIMEOUT_S 10L
#define TOTAL_TIMEOUT_S   60L
#define JWT_HEADER_MAX    9000 // tokens are at most 8192 bytes (auth/jwt.h)

static size_t on_data_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    sbuf_append(userdata, ptr, size * nmemb);
    return size * nmemb;
}

static struct curl_slist *set_auth(CURL *c, const struct client_auth *a, struct curl_slist *h)
{
    if (a && a->user) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, a->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, a->pass ? a->pass : "");
    } else if (a && a->bearer) {
        char line[JWT_HEADER_MAX];
        snprintf(line, sizeof line, "Authorization: Bearer %s", a->bearer);
        h = curl_slist_append(h, line);
    }
    return h;
}

static void set_body(CURL *c, const char *method, const char *body)
{
    if (strcmp(method, "GET") == 0)
        return;
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body || strcmp(method, "DELETE") != 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
    }
}

static void read_answer(CURL *c, struct client_resp *out, sbuf *b)
{
    char *ct = NULL;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        snprintf(out->content_type, sizeof out->content_type, "%s", ct);
    out->len = b->len;
    out->body = sbuf_steal(b);
}

int client_request(const char *method, const char *url, const char *body,
                   const struct client_auth *auth, struct client_resp *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, CLIENT_ERR_MAX, "libcurl failed to initialize");
        return -1;
    }
    CURL *c = curl_easy_init();
    char curl_err[CURL_ERROR_SIZE] = "";
    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
    sbuf b;
    sbuf_init(&b);
    if (body)
        h = curl_slist_append(h, "Content-Type: application/json");
    h = set_auth(c, auth, h);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "voxctl/1");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    set_body(c, method, body);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        read_answer(c, out, &b);
    else
        snprintf(err, CLIENT_ERR_MAX, "%.100s: %.140s", url,
                 curl_err[0] ? curl_err : curl_easy_strerror(rc));
    sbuf_fini(&b);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    curl_global_cleanup();
    return rc == CURLE_OK ? 0 : -1;
}

void client_resp_fini(struct client_resp *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}
