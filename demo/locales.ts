// Translations handed to the widget's `strings` property. Each is complete (`satisfies MfaStrings`:
// a key added to the element shows up here as a type error instead of a silent English fallback)
// and goes through defineStrings(), so a placeholder the key does not take, or one it needs and
// the text leaves out, is a type error too.
import { DEFAULT_STRINGS, defineStrings } from '../src/strings/strings.js';
import type { MfaStrings } from '../src/strings/strings.js';

export interface Locale {
  lang: string;
  dir: 'ltr' | 'rtl';
  strings: Partial<MfaStrings>;
}

const fr = defineStrings({
  title: 'Confirmez votre identité',
  label: 'Code de vérification',
  hint: 'Saisissez le code à {length} chiffres.',
  submit: 'Valider',
  resend: 'Renvoyer le code',
  send: 'Envoyer le code',
  sendNew: 'Envoyer un nouveau code',
  retry: 'Réessayer',
  cancel: 'Retour',
  restart: 'Se reconnecter',
  resendPrompt: 'Vous n’avez rien reçu ?',
  resendIn: 'Renvoyer dans {time}',
  resendWait: 'Vous pourrez demander un nouveau code dans {seconds} secondes.',
  resendReady: 'Vous pouvez maintenant demander un nouveau code.',
  waiting: 'En attente de la connexion…',
  starting: 'Préparation de la vérification…',
  sending: 'Envoi d’un code au {destination}…',
  resending: 'Envoi d’un nouveau code au {destination}…',
  codeSent: 'Code envoyé au {destination}.',
  codeResent: 'Nouveau code envoyé au {destination}.',
  verifying: 'Vérification…',
  verified: 'Vérifié.',
  offline: 'Vous êtes hors ligne. Reconnectez-vous pour continuer.',
  incomplete: 'Saisissez les {length} chiffres du code.',
  errorConfig: 'Cette étape de connexion est mal configurée : {detail}',
  errorRateLimited: 'Trop de codes demandés. Patientez avant d’en demander un autre.',
  errorSessionExpired: 'Votre session de vérification a expiré. Demandez un nouveau code.',
  errorCodeExpired: 'Ce code n’est plus valable. Demandez-en un nouveau.',
  errorInvalidCode: 'Ce code est incorrect. Vérifiez-le et réessayez.',
  errorAttemptsExhausted: 'Trop de codes erronés. Veuillez vous reconnecter.',
  errorReauth: 'Votre connexion a expiré. Veuillez vous reconnecter.',
  errorIntegration: 'La vérification ne peut pas continuer à cause d’un problème sur ce site (erreur {code}).',
  errorServer: 'Le service de vérification rencontre un problème. Réessayez.',
  errorNetwork: 'Impossible de joindre le service de vérification. Vérifiez votre connexion et réessayez.',
  errorTimeout: 'Le service de vérification a mis trop de temps à répondre. Réessayez.',
  errorOffline: 'Vous êtes hors ligne. Reconnectez-vous, puis réessayez.',
  errorInvalidResponse: 'Le service de vérification a envoyé une réponse inattendue. Réessayez.',
} as const satisfies MfaStrings);

const ar = defineStrings({
  title: 'تأكيد هويتك',
  label: 'رمز التحقق',
  hint: 'أدخل الرمز المكوّن من {length} أرقام.',
  submit: 'تحقق',
  resend: 'إعادة إرسال الرمز',
  send: 'إرسال الرمز',
  sendNew: 'إرسال رمز جديد',
  retry: 'حاول مرة أخرى',
  cancel: 'رجوع',
  restart: 'تسجيل الدخول من جديد',
  resendPrompt: 'لم يصلك الرمز؟',
  resendIn: 'إعادة الإرسال بعد {time}',
  resendWait: 'يمكنك طلب رمز جديد بعد {seconds} ثانية.',
  resendReady: 'يمكنك الآن طلب رمز جديد.',
  waiting: 'بانتظار تسجيل الدخول…',
  starting: 'جارٍ تحضير التحقق…',
  sending: 'جارٍ إرسال رمز إلى {destination}…',
  resending: 'جارٍ إرسال رمز جديد إلى {destination}…',
  codeSent: 'تم إرسال الرمز إلى {destination}.',
  codeResent: 'تم إرسال رمز جديد إلى {destination}.',
  verifying: 'جارٍ التحقق…',
  verified: 'تم التحقق.',
  offline: 'أنت غير متصل. أعد الاتصال للمتابعة.',
  incomplete: 'أدخل جميع أرقام الرمز الـ {length}.',
  errorConfig: 'خطوة تسجيل الدخول هذه غير مُعدّة بشكل صحيح: {detail}',
  errorRateLimited: 'طلبت رموزًا كثيرة. يُرجى الانتظار قبل طلب رمز آخر.',
  errorSessionExpired: 'انتهت جلسة التحقق. أرسل رمزًا جديدًا للمتابعة.',
  errorCodeExpired: 'هذا الرمز لم يعد صالحًا. اطلب رمزًا جديدًا.',
  errorInvalidCode: 'الرمز غير صحيح. تحقّق منه وحاول مرة أخرى.',
  errorAttemptsExhausted: 'عدد كبير من الرموز الخاطئة. يُرجى تسجيل الدخول من جديد.',
  errorReauth: 'انتهت صلاحية تسجيل الدخول. يُرجى تسجيل الدخول من جديد.',
  errorIntegration: 'لا يمكن متابعة التحقق بسبب مشكلة في هذا الموقع (الخطأ {code}).',
  errorServer: 'تواجه خدمة التحقق مشكلة. يُرجى المحاولة مرة أخرى.',
  errorNetwork: 'تعذّر الوصول إلى خدمة التحقق. تحقّق من اتصالك وحاول مرة أخرى.',
  errorTimeout: 'استغرقت خدمة التحقق وقتًا طويلًا للرد. يُرجى المحاولة مرة أخرى.',
  errorOffline: 'أنت غير متصل. أعد الاتصال ثم حاول مرة أخرى.',
  errorInvalidResponse: 'أرسلت خدمة التحقق ردًا غير متوقع. يُرجى المحاولة مرة أخرى.',
} as const satisfies MfaStrings);

export const LOCALES: Record<string, Locale> = {
  en: { lang: 'en', dir: 'ltr', strings: DEFAULT_STRINGS },
  fr: { lang: 'fr', dir: 'ltr', strings: fr },
  ar: { lang: 'ar', dir: 'rtl', strings: ar },
};
