# shellcheck shell=bash
# Sourced by orchestrator_clean_test.sh (case keystone*): a throw-away Keystone
# (Debian 12's python3-keystone, Zed) per test in $tmp/keystone: sqlite, fernet
# keys, `keystone-manage bootstrap` (admin, region RegionOne), served by
# keystone-wsgi-public on a free port. Then a project `service`, users `ironic`
# (Ironic's keystonemiddleware) and `kiln` (role admin on project service:
# Ironic 21.4's policy lets a project admin clean nodes), an application
# credential of kiln, and the `baremetal` service with Ironic's public endpoint.
# Uses ironic_agent_rig.sh's fail, free_port, rig_on_exit and $tmp.
keystone_admin_password=kiln-ks-admin-4d1c
keystone_ironic_password=kiln-ks-ironic-9b2e

# keystone_rig_start: $keystone_url (…/v3), $keystone_pid; Keystone stops at exit.
keystone_rig_start() {
  command -v keystone-manage >/dev/null 2>&1 || { echo "SKIP: python3-keystone is not installed"; exit 77; }
  local d=$tmp/keystone port
  mkdir -p "$d/fernet" "$d/credential" "$d/log"
  port=$(free_port)
  keystone_url=http://127.0.0.1:$port/v3
  cat > "$d/keystone.conf" <<CONF
[DEFAULT]
log_file = $d/log/keystone.log
[database]
connection = sqlite:///$d/keystone.sqlite?timeout=30
[fernet_tokens]
key_repository = $d/fernet
[credential]
key_repository = $d/credential
[token]
expiration = 3600
CONF
  local user group m
  user=$(id -un); group=$(id -gn)
  m=(keystone-manage --config-file "$d/keystone.conf")
  "${m[@]}" db_sync > "$d/log/manage.log" 2>&1 || fail "keystone-manage db_sync: $(tail -n 5 "$d/log/manage.log")"
  # WAL: a reader (a token validation for Ironic) no longer blocks Keystone's writes.
  python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' "$d/keystone.sqlite" ||
    fail "cannot switch Keystone's sqlite to WAL"
  "${m[@]}" fernet_setup --keystone-user "$user" --keystone-group "$group" >> "$d/log/manage.log" 2>&1 || fail "keystone-manage fernet_setup"
  "${m[@]}" credential_setup --keystone-user "$user" --keystone-group "$group" >> "$d/log/manage.log" 2>&1 || fail "keystone-manage credential_setup"
  "${m[@]}" bootstrap --bootstrap-password "$keystone_admin_password" --bootstrap-region-id RegionOne \
    --bootstrap-public-url "http://127.0.0.1:$port/v3" --bootstrap-internal-url "http://127.0.0.1:$port/v3" \
    >> "$d/log/manage.log" 2>&1 || fail "keystone-manage bootstrap: $(tail -n 5 "$d/log/manage.log")"
  OS_KEYSTONE_CONFIG_FILES=$d/keystone.conf keystone-wsgi-public --host 127.0.0.1 --port "$port" > "$d/log/wsgi.log" 2>&1 &
  keystone_pid=$!
  rig_on_exit "kill $keystone_pid 2>/dev/null || true"
  for _ in $(seq 120); do
    curl -sf --max-time 2 "$keystone_url" > /dev/null 2>&1 && break
    kill -0 "$keystone_pid" 2>/dev/null || fail "Keystone exited: $(tail -n 10 "$d/log/wsgi.log")"
    sleep 0.25
  done
  curl -sf "$keystone_url" > /dev/null || fail "Keystone does not answer on $keystone_url"
  keystone_admin_token=$(keystone_token "$(keystone_password_body admin "$keystone_admin_password" admin)") ||
    fail "no admin token from Keystone"
}

# keystone_password_body USER PASSWORD PROJECT: the JSON of POST /v3/auth/tokens.
keystone_password_body() {
  printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"id":"default"},"password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"id":"default"}}}}}' "$1" "$2" "$3"
}

# keystone_token BODY: prints the X-Subject-Token of a POST /v3/auth/tokens.
keystone_token() {
  curl -sf -D - -o /dev/null -H 'Content-Type: application/json' -d "$1" "$keystone_url/auth/tokens" |
    tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p' | grep .
}

ks() {  # METHOD PATH [JSON]: Keystone's API as admin; prints the body
  # Keystone on sqlite answers a write "database is locked" (500) now and then: a few tries.
  local try
  for try in 1 2 3 4 5 6 7 8; do
    curl -sf -X "$1" -H "X-Auth-Token: $keystone_admin_token" -H 'Content-Type: application/json' \
      ${3:+-d "$3"} "$keystone_url$2" && return 0
    sleep 1
  done
  fail "Keystone $1 $2 failed: $(tail -n 3 "$tmp/keystone/log/wsgi.log")"
}

# keystone_rig_setup KILN-PASSWORD: the service project, the users, roles, kiln's
# application credential ($keystone_appcred_id, $keystone_appcred_secret) and a
# token of kiln ($keystone_kiln_token).
keystone_rig_setup() {
  local kiln_password=$1 admin_role ironic_id kiln_id
  keystone_service_project_id=$(ks POST /projects '{"project":{"name":"service","domain_id":"default"}}' | jget 'd["project"]["id"]')
  admin_role=$(ks GET '/roles?name=admin' | jget 'd["roles"][0]["id"]')
  ironic_id=$(ks POST /users "{\"user\":{\"name\":\"ironic\",\"domain_id\":\"default\",\"password\":\"$keystone_ironic_password\"}}" | jget 'd["user"]["id"]')
  kiln_id=$(ks POST /users "{\"user\":{\"name\":\"kiln\",\"domain_id\":\"default\",\"password\":\"$kiln_password\"}}" | jget 'd["user"]["id"]')
  ks PUT "/projects/$keystone_service_project_id/users/$ironic_id/roles/$admin_role" > /dev/null
  ks PUT "/projects/$keystone_service_project_id/users/$kiln_id/roles/$admin_role" > /dev/null
  # The application credential is created by kiln itself (a user's own credential).
  local kiln_token
  kiln_token=$(keystone_token "$(keystone_password_body kiln "$kiln_password" service)") || fail "no token for kiln"
  local answer
  answer=$(curl -sf -X POST -H "X-Auth-Token: $kiln_token" -H 'Content-Type: application/json' \
    -d '{"application_credential":{"name":"kiln-orchestrator"}}' "$keystone_url/users/$kiln_id/application_credentials") ||
    fail "cannot create kiln's application credential"
  keystone_appcred_id=$(jget 'd["application_credential"]["id"]' <<< "$answer")
  keystone_appcred_secret=$(jget 'd["application_credential"]["secret"]' <<< "$answer")
  keystone_kiln_token=$kiln_token
}

# keystone_rig_endpoint IRONIC-URL: the baremetal service, public and internal endpoints.
keystone_rig_endpoint() {
  local ironic_url=$1 service_id
  service_id=$(ks POST /services '{"service":{"type":"baremetal","name":"ironic"}}' | jget 'd["service"]["id"]')
  for iface in public internal; do
    ks POST /endpoints "{\"endpoint\":{\"service_id\":\"$service_id\",\"interface\":\"$iface\",\"region_id\":\"RegionOne\",\"url\":\"$ironic_url\"}}" > /dev/null
  done
}

# The [DEFAULT]/[keystone_authtoken] lines of Ironic's config for this Keystone.
keystone_rig_ironic_conf() {
  printf 'auth_strategy = keystone\n[keystone_authtoken]\nwww_authenticate_uri = %s\nauth_url = %s\nauth_type = password\nusername = ironic\npassword = %s\nproject_name = service\nuser_domain_name = Default\nproject_domain_name = Default\n' \
    "$keystone_url" "$keystone_url" "$keystone_ironic_password"
}
