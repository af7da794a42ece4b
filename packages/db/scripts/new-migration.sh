#!/usr/bin/env bash
# Creates prisma/migrations/<timestamp>_<name>/migration.sql from the change to prisma/schema.prisma.
#
#   pnpm --filter @stash/db migration:new add_agent_license            # diff vs. the committed schema
#   pnpm --filter @stash/db migration:new add_x --from /path/old.prisma # diff vs. any older schema
#   pnpm --filter @stash/db migration:new init --from-empty             # the whole schema
#
# Why not `prisma migrate dev`: Prisma 7's migrate needs a schema-engine binary that cannot be
# downloaded here. Prisma 6.19's WASM engine can still diff two schema FILES offline, so we run
# it from a cache directory outside the repo (it must not join the workspace's dependency tree).
# Needs the npm registry once (to install it) and a reachable PostgreSQL (DATABASE_URL or the
# local default). Without a server, run `pnpm --filter @stash/db embedded` in another terminal and
# pass its URL as DATABASE_URL.
set -euo pipefail

name="${1:?usage: new-migration.sh <name> [--from old.prisma | --from-empty]}"
shift
[[ "$name" =~ ^[a-z0-9_]+$ ]] || { echo "migration name must be snake_case: $name" >&2; exit 1; }
pkg="$(cd "$(dirname "$0")/.." && pwd)"
tool="${STASH_PRISMA6_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/stash-prisma6}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

from=(--from-schema-datamodel "$work/old.prisma")
case "${1:-}" in
  --from) cp "${2:?--from needs a file}" "$work/old.prisma" ;;
  --from-empty) from=(--from-empty) ;;
  "") git -C "$pkg" show HEAD:./prisma/schema.prisma > "$work/old.prisma" ;;
  *) echo "unknown option $1" >&2; exit 1 ;;
esac
cp "$pkg/prisma/schema.prisma" "$work/new.prisma"

# Prisma 6 wants a datasource url in the schema; the diff never connects.
for f in "$work"/*.prisma; do
  grep -q 'url *=' "$f" || sed -i 's|^\(\s*provider\s*=\s*"postgresql"\)|\1\n  url = env("DATABASE_URL")|' "$f"
done

if [ ! -d "$tool/node_modules/prisma" ]; then
  mkdir -p "$tool"
  echo '{ "name": "stash-prisma6", "private": true, "type": "module" }' > "$tool/package.json"
  npm install --prefix "$tool" --no-audit --no-fund --ignore-scripts prisma@6.19.3 @prisma/adapter-pg@6.19.3 pg@8 >&2
fi
touch "$tool/no-query-engine.so.node"
cat > "$tool/prisma.config.ts" <<'TS'
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';
// engine "js" + an adapter selects the WASM schema engine. It opens a connection at start-up but a
// diff of two schema files neither reads nor writes the database.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    return new PrismaPg({ connectionString: process.env.STASH_DIFF_DATABASE_URL });
  },
});
TS

out="$pkg/prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
sql="$work/migration.sql"
# The two engine variables stop the CLI from downloading native engines it does not use here.
# The engine connects (and changes nothing) at start-up, so it needs some reachable PostgreSQL.
diff_url="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
(cd "$tool" && DATABASE_URL="$diff_url" STASH_DIFF_DATABASE_URL="$diff_url" \
  PRISMA_QUERY_ENGINE_LIBRARY="$tool/no-query-engine.so.node" PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
  PRISMA_HIDE_UPDATE_MESSAGE=1 npx --no-install prisma migrate diff "${from[@]}" \
  --to-schema-datamodel "$work/new.prisma" --script > "$sql")

if ! grep -qv '^\s*$\|^--' "$sql"; then
  echo "schema.prisma has no changes to migrate" >&2
  exit 1
fi
mkdir -p "$out"
cp "$sql" "$out/migration.sql"
echo "created ${out#"$pkg"/}/migration.sql: review it, then run pnpm --filter @stash/db migrate" >&2
