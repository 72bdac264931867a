from RobotWebSocket.masking import MASK, is_sensitive, mask_headers, mask_text, mask_url


def test_sensitive_header_names():
    for name in (
        "Authorization",
        "cookie",
        "Set-Cookie",
        "Proxy-Authorization",
        "X-Api-Key",
        "x-auth-token",
        "Client-Secret",
    ):
        assert is_sensitive(name)
    assert not is_sensitive("X-Request-Id")


def test_mask_headers():
    masked = mask_headers({"Authorization": "Bearer abc", "X-Id": "1"})
    assert masked == {"Authorization": MASK, "X-Id": "1"}


def test_mask_url_query_tokens_and_passwords():
    assert mask_url("wss://h/ws?token=abc&user=1") == f"wss://h/ws?token={MASK}&user=1"
    assert mask_url("wss://h/ws?access_token=abc") == f"wss://h/ws?access_token={MASK}"
    assert mask_url("wss://h/ws?api_key=abc#x") == f"wss://h/ws?api_key={MASK}#x"
    assert mask_url("wss://u:pw@h/ws") == f"wss://u:{MASK}@h/ws"
    assert mask_url("ws://h/ws?userId=1") == "ws://h/ws?userId=1"


def test_mask_text_replaces_known_secrets():
    assert mask_text("sent Bearer abc123 here", ["Bearer abc123"]) == f"sent {MASK} here"


def test_a_flag_under_a_credential_like_name_is_not_a_secret():
    # MQTT's init has clean_session: masking "True" would hide every true value in the log.
    from RobotWebSocket.masking import sensitive_values

    assert sensitive_values({"clean_session": True, "password": "pw", "session_key": 1234}) == [
        "pw",
        "1234",
    ]


def test_the_handshake_nonce_is_not_a_credential():
    from RobotWebSocket.masking import is_sensitive

    assert not is_sensitive("Sec-WebSocket-Key")
    assert not is_sensitive("sec-websocket-accept")
    assert is_sensitive("X-Api-Key")
