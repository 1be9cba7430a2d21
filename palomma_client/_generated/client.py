"""No client is generated: ``palomma_client``'s base client sends every request.

Each endpoint module builds its request (``build_request``) and parses its
answer (``parse_response``); how a request goes out (auth, timeouts, retries,
errors, logging) is policy, written once by hand in ``palomma_client._base_client``.
"""
