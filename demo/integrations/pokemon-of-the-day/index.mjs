// Dynamic selectors: an init run prints the options for the settings page's selectors.
import { pokemon, slackUsers } from './catalog.mjs';

const mode = process.env.PAN_CTX_RUN_MODE ?? 'normal';
if (mode === 'init') {
  console.error('Loading Pokémon types and Slack users');
  console.log(JSON.stringify({
    pokemon_types: [...new Set(pokemon.map((p) => p.type))].sort(),
    slack_users: slackUsers.map((u) => ({ title: u.name, const: u.id })),
  }));
} else {
  const type = process.env.PAN_CFG_POKEMON_TYPE;
  const user = slackUsers.find((u) => u.id === process.env.PAN_CFG_SLACK_USER);
  const choices = pokemon.filter((p) => p.type === type);
  if (!user || choices.length === 0) {
    console.error('Settings are incomplete: run init and pick a type and a user');
    process.exit(1);
  }
  const pick = choices[new Date().getUTCDate() % choices.length];
  console.error(`Sending ${pick.name} to ${user.name}`);
  console.log(JSON.stringify({ sent: pick.name, to: user.id }));
}
