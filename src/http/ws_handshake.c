// SPDX-License-Identifier: MIT
// SHA-1 and base64 are OpenSSL's.
#include "http/ws_handshake.h"

#include <openssl/evp.h>
#include <string.h>

static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

int ws_handshake_accept(const char *key, char accept[WS_ACCEPT_LEN + 1])
{
    // 16 bytes encode to 22 characters and "==" (section 4.1: a nonce of 16 bytes).
    if (!key || strlen(key) != 24 || key[22] != '=' || key[23] != '=')
        return -1;
    for (int i = 0; i < 22; i++) {
        char ch = key[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '+' || ch == '/'))
            return -1;
    }
    char buf[24 + sizeof guid];
    memcpy(buf, key, 24);
    memcpy(buf + 24, guid, sizeof guid - 1);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(buf, 24 + sizeof guid - 1, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
        return -1;
    EVP_EncodeBlock((unsigned char *)accept, md, 20);
    accept[WS_ACCEPT_LEN] = '\0';
    return 0;
}
