// Dynamic selectors: an init run prints the options for the settings page's selectors.
import { pokemon, slackUsers } from './catalog.mjs';

const mode = process.env.PAN_CTX_RUN_MODE ?? 'normal';
if (mode === 'init') {
  console.error('Loading Pokémon types and Slack users');
  console.log(JSON.stringify({
    pokemon_types: [...new Set(pokemon.map((p) => p.type))].sort(),
    slack_users: slackUsers.map((u) => ({ title: u.name, const: u.id })),
    favorite_pokemon_options: Object.fromEntries(
      [...new Set(pokemon.map((p) => p.type))].map((type) => [type, pokemon.filter((p) => p.type === type).map((p) => p.name)]),
    ),
  }));
} else {
  const type = process.env.PAN_CFG_POKEMON_TYPE;
  const user = slackUsers.find((u) => u.id === process.env.PAN_CFG_SLACK_USER);
  const choices = pokemon.filter((p) => p.type === type);
  if (!user || choices.length === 0) {
    console.error('Settings are incomplete: run init and pick a type and a user');
    process.exit(1);
  }
  const count = Number(process.env.PAN_CFG_POKEMON_PER_MESSAGE ?? 1);
  const day = new Date().getUTCDate();
  const favorite = process.env.PAN_CFG_FAVORITE_POKEMON;
  const picks = Array.from({ length: count }, (_, i) => choices[(day + i) % choices.length].name);
  if (favorite && choices.some((p) => p.name === favorite)) picks.splice(0, 1, favorite);
  console.error(`${process.env.PAN_CFG_GREETING ?? ''} Sending ${picks.join(', ')} to ${user.name}`.trim());
  console.log(JSON.stringify({ sent: picks, to: user.id }));
}
