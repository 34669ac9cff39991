// Type-level tests of the strings' placeholders: `npm run typecheck` (tsc, which includes this
// folder) fails when a line marked @ts-expect-error stops being an error, or when a correct
// translation stops type-checking. Nothing here runs.
import { defineStrings, type MfaStrings } from '../../src/strings/strings.js';

// A translation with exactly the placeholders of each key type-checks.
defineStrings({ hint: 'Saisissez les {length} chiffres.', codeSent: 'Code envoyé au {destination}.' });
// An error's text may also show the error's {code}.
defineStrings({ errorServer: 'Le service a un problème ({code}).' });
// A complete translation, as the demo writes it.
defineStrings({ resendIn: 'Renvoyer dans {time}', resendWait: 'Dans {seconds} secondes.' } as const satisfies Partial<MfaStrings>);

// @ts-expect-error an unknown placeholder: hint takes {length}, not {destination}
defineStrings({ hint: 'Saisissez le code à {length} chiffres envoyé au {destination}.' });

// @ts-expect-error a missing placeholder: codeSent needs {destination}
defineStrings({ codeSent: 'Code envoyé.' });

// @ts-expect-error a misspelt placeholder is unknown, and the right one missing
defineStrings({ incomplete: 'Saisissez les {lenght} chiffres.' });

// @ts-expect-error {code} is only for an error's text
defineStrings({ title: 'Vérification {code}' });

// @ts-expect-error an unknown key
defineStrings({ titel: 'Vérification' });
